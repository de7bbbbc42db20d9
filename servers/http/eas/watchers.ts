// One listener on the mail store's changes for all of ActiveSync, fanning each change out to the
// Pings waiting on that folder (one listener per Ping would pile closures onto one emitter).
import type { FolderChange, MailStore } from '../../../core/mail/store.js';

export type FolderListener = (change: FolderChange) => void;

export class PingWatchers {
  readonly #byFolder = new Map<string, Set<FolderListener>>();

  constructor(mail: MailStore) {
    mail.on('changed', (change) => {
      const listeners = this.#byFolder.get(change.folderId);
      if (listeners) for (const l of [...listeners]) l(change);
    });
  }

  /** Listens to the given store folders; returns the function that stops listening. */
  watch(folderIds: readonly string[], listener: FolderListener): () => void {
    for (const id of folderIds) {
      let set = this.#byFolder.get(id);
      if (!set) this.#byFolder.set(id, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const id of folderIds) {
        const set = this.#byFolder.get(id);
        if (!set) continue;
        set.delete(listener);
        if (!set.size) this.#byFolder.delete(id);
      }
    };
  }
}
