// A POP3 session's maildrop (RFC 1939 §3, §5): the INBOX as it was when the session entered
// TRANSACTION, numbered 1..n for the session's life, with the session's own marks. DELE only
// marks and RSET unmarks; nothing reaches the store until UPDATE (QUIT), so a dropped connection
// changes nothing. Retrieved messages are marked read at UPDATE, as Exchange does
// (decompiled Pop3ResponseFactory.DeleteMarkedMessages).
import type { MailStore, MessageMeta } from '../../core/mail/store.js';

export type Lookup = { ok: true; index: number; meta: MessageMeta } | { ok: false; why: 'out-of-range' | 'deleted' };

export class Maildrop {
  readonly #deleted: boolean[];
  readonly #retrieved: boolean[];

  private constructor(
    readonly folderId: string,
    readonly uidValidity: number,
    readonly messages: readonly MessageMeta[],
  ) {
    this.#deleted = messages.map(() => false);
    this.#retrieved = messages.map(() => false);
  }

  static async open(mail: MailStore, userId: string): Promise<Maildrop> {
    const inbox = await mail.folderWithIndex(userId, 'INBOX');
    if (!inbox) throw new Error(`no INBOX for ${userId}`);
    return new Maildrop(inbox.folder.id, inbox.folder.uidValidity, inbox.messages);
  }

  /** Message `n` (1-based) unless it is past the end or marked deleted. */
  lookup(n: number): Lookup {
    const index = n - 1;
    if (index < 0 || index >= this.messages.length) return { ok: false, why: 'out-of-range' };
    if (this.#deleted[index]) return { ok: false, why: 'deleted' };
    return { ok: true, index, meta: this.messages[index] };
  }

  /** The messages not marked deleted, with their numbers. */
  *live(): Generator<{ n: number; meta: MessageMeta }> {
    for (let i = 0; i < this.messages.length; i++) if (!this.#deleted[i]) yield { n: i + 1, meta: this.messages[i] };
  }

  /** STAT and LIST's first line: messages not marked deleted, and their octets. */
  totals(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const { meta } of this.live()) {
      count++;
      octets += meta.size;
    }
    return { count, octets };
  }

  /**
   * UIDL's unique-id (RFC 1939 §7): base64 of the folder's id, its UIDVALIDITY and the UID — the
   * same for the same message in every session, never reused for another. Exchange's own are
   * opaque store ids (GetLegacyPopUid); 32 characters in 0x21-0x7E, as RFC 1939 asks.
   */
  uniqueId(meta: MessageMeta): string {
    const bytes = Buffer.alloc(24);
    Buffer.from(this.folderId.replace(/-/g, ''), 'hex').copy(bytes, 0, 0, 16);
    bytes.writeUInt32BE(this.uidValidity >>> 0, 16);
    bytes.writeUInt32BE(meta.uid >>> 0, 20);
    return bytes.toString('base64');
  }

  markDeleted(index: number): void {
    this.#deleted[index] = true;
  }

  markRetrieved(index: number): void {
    this.#retrieved[index] = true;
  }

  /** RSET: every mark goes, deletions and reads alike (decompiled Pop3RequestRset). */
  reset(): void {
    this.#deleted.fill(false);
    this.#retrieved.fill(false);
  }

  /** The UPDATE state: the session's marks reach the store. Returns how many messages went. */
  async commit(mail: MailStore, origin: unknown): Promise<number> {
    const deleted = this.messages.filter((_, i) => this.#deleted[i]).map((m) => m.uid);
    const read = this.messages.filter((m, i) => this.#retrieved[i] && !this.#deleted[i] && !m.flags.includes('\\Seen')).map((m) => m.uid);
    if (read.length) await mail.setFlags(this.folderId, read, 'add', ['\\Seen'], origin);
    if (!deleted.length) return 0;
    return (await mail.expunge(this.folderId, { uids: deleted, onlyDeleted: false, origin })).length;
  }
}

/**
 * A message as a multi-line response body (RFC 1939 §3): lines end in CRLF (a bare LF or CR is
 * made one), a line starting with "." gets another, and the terminating ".". With `bodyLines`
 * it is TOP's answer: the header, the blank line and that many lines of the body.
 */
export function multiline(message: Buffer, bodyLines?: number): Buffer {
  let text = message.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
  if (bodyLines !== undefined) {
    const blank = text.startsWith('\r\n') ? 0 : text.indexOf('\r\n\r\n');
    if (blank < 0) text = text.endsWith('\r\n') ? text : `${text}\r\n`;
    else {
      const headerEnd = blank === 0 ? 2 : blank + 4;
      const body = text.slice(headerEnd);
      let end = 0;
      for (let i = 0; i < bodyLines && end < body.length; i++) {
        const eol = body.indexOf('\r\n', end);
        end = eol < 0 ? body.length : eol + 2;
      }
      text = text.slice(0, headerEnd) + body.slice(0, end);
    }
  }
  if (text.length && !text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(`${text.replace(/^\./gm, '..')}.\r\n`, 'latin1');
}

/** A multi-line list answer (CAPA, AUTH, LIST, UIDL): its lines, then ".". */
export function listing(lines: Iterable<string>): string {
  let out = '';
  for (const line of lines) out += `${line.startsWith('.') ? '.' : ''}${line}\r\n`;
  return `${out}.\r\n`;
}
