// One listener on the mail store's changes for the whole IMAP service, fanning each change out
// to the sessions that have that folder selected (rather than one listener per session, which
// ten thousand idle sessions would turn into ten thousand closures on one emitter).
import type { FolderChange, MailStore } from '../../core/mail/store.js';

export interface FolderWatcher {
  onFolderChange(change: FolderChange): void;
}

export class FolderWatchers {
  readonly #byFolder = new Map<string, Set<FolderWatcher>>();
  readonly #listener = (change: FolderChange) => {
    const watchers = this.#byFolder.get(change.folderId);
    if (watchers) for (const w of watchers) w.onFolderChange(change);
  };

  constructor(readonly mail: MailStore) {
    mail.on('changed', this.#listener);
  }

  watch(folderId: string, watcher: FolderWatcher): void {
    let set = this.#byFolder.get(folderId);
    if (!set) this.#byFolder.set(folderId, (set = new Set()));
    set.add(watcher);
  }

  unwatch(folderId: string, watcher: FolderWatcher): void {
    const set = this.#byFolder.get(folderId);
    if (!set) return;
    set.delete(watcher);
    if (!set.size) this.#byFolder.delete(folderId);
  }

  close(): void {
    this.mail.off('changed', this.#listener);
    this.#byFolder.clear();
  }
}
