// The selected folder of one session (RFC 3501 §5.2): the message list as this session sees it
// (sequence number = position), and the changes other sessions or deliveries made that it has
// not been told about yet. Those are released as untagged responses at the points RFC 3501
// allows: EXPUNGE never during FETCH, STORE or SEARCH, so sequence numbers don't shift under them.
import type { FolderChange, FolderInfo, MessageMeta } from '../../core/mail/store.js';
import { inRanges, parseSequenceSet } from './parser.js';

export class SelectedFolder {
  readonly folderId: string;
  readonly name: string;
  readonly uidValidity: number;
  uidNext: number;
  /** UIDs in ascending order; index + 1 is the sequence number. */
  uids: number[];
  flags: string[][];
  sizes: number[];
  dates: Date[];
  #newUids: number[] = [];
  #expunged = new Set<number>();
  #flagChanges = new Map<number, string[]>();

  constructor(
    info: FolderInfo,
    readonly readOnly: boolean,
    messages: readonly MessageMeta[],
  ) {
    this.folderId = info.id;
    this.name = info.name;
    this.uidValidity = info.uidValidity;
    this.uidNext = info.uidNext;
    this.uids = messages.map((m) => m.uid);
    this.flags = messages.map((m) => m.flags);
    this.sizes = messages.map((m) => m.size);
    this.dates = messages.map((m) => m.internalDate);
  }

  get exists(): number {
    return this.uids.length;
  }

  /** 1-based sequence number of a UID, or 0. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid];
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /**
   * The messages a sequence set names, as sequence numbers (ascending). For UID sets, `*` is
   * the highest UID and UIDs not present are ignored (RFC 3501 §6.4.8); for sequence sets, a
   * number beyond EXISTS makes the set invalid (null).
   */
  resolve(set: string, byUid: boolean): number[] | null {
    const n = this.uids.length;
    if (byUid) {
      const star = n ? this.uids[n - 1] : 0;
      const ranges = parseSequenceSet(set, star);
      if (!ranges) return null;
      const out: number[] = [];
      for (let i = 0; i < n; i++) if (inRanges(this.uids[i], ranges)) out.push(i + 1);
      return out;
    }
    const ranges = parseSequenceSet(set, n);
    if (!ranges) return null;
    if (!n && !set.split(',').every((p) => p === '*' || p === '*:*')) return null;
    const out = new Set<number>();
    for (const [a, b] of ranges) {
      if (a < 1 || b > n) return null;
      for (let s = a; s <= b; s++) out.add(s);
    }
    return [...out].sort((x, y) => x - y);
  }

  // --- changes made elsewhere ---

  queue(change: FolderChange): void {
    if (change.kind === 'exists') {
      if (change.uid >= this.uidNext || !this.seqOf(change.uid)) this.#newUids.push(change.uid);
      this.uidNext = Math.max(this.uidNext, change.uid + 1);
    } else if (change.kind === 'expunge') {
      for (const uid of change.uids) this.#expunged.add(uid);
    } else {
      for (const [uid, flags] of change.flags) this.#flagChanges.set(uid, flags);
    }
  }

  get hasUpdates(): boolean {
    return this.#newUids.length > 0 || this.#expunged.size > 0 || this.#flagChanges.size > 0;
  }

  /**
   * Applies queued changes to this view and returns the untagged lines that tell the client.
   * New messages need their metadata, which the caller fetched (`meta`).
   */
  release(allowExpunge: boolean, meta: ReadonlyMap<number, MessageMeta>): string[] {
    const lines: string[] = [];
    if (allowExpunge && this.#expunged.size) {
      // Highest first: each EXPUNGE renumbers the messages after it (RFC 3501 §7.4.1).
      const seqs = [...this.#expunged].map((uid) => this.seqOf(uid)).filter((s) => s > 0).sort((a, b) => b - a);
      for (const seq of seqs) {
        lines.push(`* ${seq} EXPUNGE`);
        this.#remove(seq);
      }
      this.#newUids = this.#newUids.filter((uid) => !this.#expunged.has(uid));
      this.#expunged.clear();
    }
    if (this.#newUids.length) {
      let added = 0;
      for (const uid of [...new Set(this.#newUids)].sort((a, b) => a - b)) {
        const m = meta.get(uid);
        if (!m || this.seqOf(uid) || this.#expunged.has(uid)) continue;
        this.uids.push(uid);
        this.flags.push(m.flags);
        this.sizes.push(m.size);
        this.dates.push(m.internalDate);
        added++;
      }
      this.#newUids = [];
      if (added) lines.push(`* ${this.uids.length} EXISTS`, '* 0 RECENT');
    }
    for (const [uid, flags] of this.#flagChanges) {
      const seq = this.seqOf(uid);
      if (!seq) continue;
      this.flags[seq - 1] = flags;
      lines.push(`* ${seq} FETCH (FLAGS (${flags.join(' ')}))`);
    }
    this.#flagChanges.clear();
    return lines;
  }

  /** UIDs announced but not yet in the view, for which metadata must be fetched. */
  get pendingNewUids(): readonly number[] {
    return this.#newUids;
  }

  /** This session's own EXPUNGE: remove at once (the caller writes the responses). */
  removeUids(uids: readonly number[]): number[] {
    const seqs = uids.map((u) => this.seqOf(u)).filter((s) => s > 0).sort((a, b) => b - a);
    for (const seq of seqs) this.#remove(seq);
    return seqs;
  }

  #remove(seq: number): void {
    this.uids.splice(seq - 1, 1);
    this.flags.splice(seq - 1, 1);
    this.sizes.splice(seq - 1, 1);
    this.dates.splice(seq - 1, 1);
  }
}
