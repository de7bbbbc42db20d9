// The mail store: each user's folders and the messages in them, with IMAP-style UIDs
// (UIDVALIDITY fixed per folder, UIDNEXT only ever grows, both kept across restarts), and the
// capture of mail addressed outside every tenant (never relayed). Delivery is awaited before
// SMTP answers 250, so accepted mail is never lost.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Sql } from '../store/sql.js';

export interface FolderSpec {
  name: string;
  /** RFC 6154 special-use attribute, as Exchange Online's IMAP LIST shows it. */
  specialUse: string | null;
}

/** The folders every Exchange Online mailbox has (IMAP names). */
export const DEFAULT_FOLDERS: readonly FolderSpec[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Archive', specialUse: '\\Archive' },
  { name: 'Deleted Items', specialUse: '\\Trash' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Junk Email', specialUse: '\\Junk' },
  { name: 'Notes', specialUse: null },
  { name: 'Outbox', specialUse: null },
  { name: 'Sent Items', specialUse: '\\Sent' },
];

export interface StoredMessage {
  uid: number;
  internalDate: Date;
  flags: string[];
  size: number;
  body: Buffer;
}

export interface Delivered {
  userId: string;
  folder: string;
  uid: number;
}

export class MailStore extends EventEmitter<{ delivered: [Delivered] }> {
  readonly #ready = new Set<string>();

  constructor(readonly sql: Sql) {
    super();
  }

  /** Creates the default folders of a mailbox the first time it is needed. */
  async ensureMailbox(userId: string, tx: Sql = this.sql): Promise<void> {
    if (this.#ready.has(userId)) return;
    // UIDVALIDITY: seconds since the epoch, a common choice that grows when a folder is recreated.
    const validity = Math.floor(Date.now() / 1000);
    for (const folder of DEFAULT_FOLDERS) {
      await tx.query(
        `insert into mail_folders (id, user_id, name, special_use, uid_validity) values ($1, $2, $3, $4, $5)
         on conflict (user_id, name) do nothing`,
        [randomUUID(), userId, folder.name, folder.specialUse, validity],
      );
    }
    this.#ready.add(userId);
  }

  async deliver(userId: string, body: Buffer, options: { folder?: string; flags?: string[]; internalDate?: Date } = {}): Promise<Delivered> {
    const folder = options.folder ?? 'INBOX';
    // ensureMailbox() marks the mailbox ready inside this transaction; if the transaction rolls
    // back (an unknown folder, a store error) its folders were never created, so unmark it, or
    // every later delivery to this user would fail with "no folder".
    const wasReady = this.#ready.has(userId);
    const uid = await this.sql.transaction(async (tx) => {
      await this.ensureMailbox(userId, tx);
      const rows = await tx.query<{ id: string; uid: number }>(
        'update mail_folders set uid_next = uid_next + 1 where user_id = $1 and name = $2 returning id, uid_next - 1 as uid',
        [userId, folder],
      );
      if (!rows.length) throw new Error(`no folder "${folder}"`);
      await tx.query('insert into mail_messages (folder_id, uid, internal_date, flags, size, body) values ($1, $2, $3, $4, $5, $6)', [
        rows[0].id,
        rows[0].uid,
        options.internalDate ?? new Date(),
        JSON.stringify(options.flags ?? []),
        body.length,
        body,
      ]);
      return Number(rows[0].uid);
    }).catch((error: unknown) => {
      if (!wasReady) this.#ready.delete(userId);
      throw error;
    });
    const delivered = { userId, folder, uid };
    this.emit('delivered', delivered);
    return delivered;
  }

  async capture(input: { tenantId: string; userId: string | null; mailFrom: string; rcptTo: string[]; body: Buffer; at: Date }): Promise<string> {
    const id = randomUUID();
    await this.sql.query(
      'insert into outbound_messages (id, tenant_id, user_id, mail_from, rcpt_to, created_at, size, body) values ($1, $2, $3, $4, $5, $6, $7, $8)',
      [id, input.tenantId, input.userId, input.mailFrom, JSON.stringify(input.rcptTo), input.at, input.body.length, input.body],
    );
    return id;
  }

  async messages(userId: string, folder = 'INBOX'): Promise<StoredMessage[]> {
    const rows = await this.sql.query<{ uid: number; internal_date: Date; flags: string[]; size: number; body: Uint8Array }>(
      `select m.uid, m.internal_date, m.flags, m.size, m.body from mail_messages m
       join mail_folders f on f.id = m.folder_id where f.user_id = $1 and f.name = $2 order by m.uid`,
      [userId, folder],
    );
    return rows.map((r) => ({ uid: Number(r.uid), internalDate: r.internal_date, flags: r.flags, size: r.size, body: Buffer.from(r.body) }));
  }

  async captured(tenantId?: string): Promise<{ id: string; mailFrom: string; rcptTo: string[]; createdAt: Date; size: number; body: Buffer }[]> {
    const rows = await this.sql.query<{ id: string; mail_from: string; rcpt_to: string[]; created_at: Date; size: number; body: Uint8Array }>(
      `select id, mail_from, rcpt_to, created_at, size, body from outbound_messages ${tenantId ? 'where tenant_id = $1' : ''} order by created_at`,
      tenantId ? [tenantId] : [],
    );
    return rows.map((r) => ({ id: r.id, mailFrom: r.mail_from, rcptTo: r.rcpt_to, createdAt: r.created_at, size: r.size, body: Buffer.from(r.body) }));
  }
}
