// The mail store: each user's folders and the messages in them, with IMAP-style UIDs
// (UIDVALIDITY fixed per folder, UIDNEXT only ever grows, both kept across restarts), and the
// capture of mail addressed outside every tenant (never relayed). Delivery is awaited before
// SMTP answers 250, so accepted mail is never lost.
import { DEFAULT_LIMITS } from '../config.js';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Sql } from '../store/sql.js';
import { parseMessage, STRUCTURE_VERSION, type MessageStructure } from './mime.js';

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

export interface FolderInfo {
  id: string;
  userId: string;
  name: string;
  specialUse: string | null;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
}

/** What a folder's session keeps per message: everything but the bytes. */
export interface MessageMeta {
  uid: number;
  flags: string[];
  size: number;
  internalDate: Date;
}

/** A change another session of the same folder should hear about (IMAP untagged responses). */
export type FolderChange = { folderId: string; origin?: unknown } & (
  | { kind: 'exists'; uid: number }
  | { kind: 'expunge'; uids: number[] }
  | { kind: 'flags'; flags: Map<number, string[]> }
);

export class MailError extends Error {
  constructor(
    readonly code: 'not-found' | 'exists' | 'inbox' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

type FolderRow = { id: string; user_id: string; name: string; special_use: string | null; subscribed: boolean; uid_validity: number; uid_next: number };

const folderInfo = (r: FolderRow): FolderInfo => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  specialUse: r.special_use,
  subscribed: r.subscribed,
  uidValidity: Number(r.uid_validity),
  uidNext: Number(r.uid_next),
});

/** Folder names: `/` separates levels (NAMESPACE (("" "/"))); no empty levels, no control characters. */
export function validFolderName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[\x00-\x1f\x7f]/.test(name) && !name.split('/').some((level) => level === '') && !/[*%]/.test(name);
}

type FolderIndex = { folder: FolderInfo; messages: MessageMeta[] };

export class MailStore extends EventEmitter<{ delivered: [Delivered]; changed: [FolderChange] }> {
  readonly #ready = new Set<string>();
  /**
   * Folder indexes (POP3's maildrop, IMAP's SELECT) kept in memory, so a sign-in that opens a
   * mailbox reads no store: every change made through this class drops the entry it touches.
   * Least recently used first out. Gateways sharing one PostgreSQL do not see each other's
   * changes here, as they do not for the directory (README, "Several gateways").
   */
  readonly #indexes = new Map<string, FolderIndex>();
  readonly #keyOfFolder = new Map<string, string>();
  /** Bumped by every change: a read that raced one does not cache what it read. */
  #epoch = 0;

  constructor(
    readonly sql: Sql,
    readonly indexCacheFolders = DEFAULT_LIMITS.mailIndexCacheFolders,
  ) {
    super();
  }

  #forget(key: string | undefined): void {
    this.#epoch++;
    if (key === undefined) return;
    const entry = this.#indexes.get(key);
    if (entry) this.#keyOfFolder.delete(entry.folder.id);
    this.#indexes.delete(key);
  }

  #forgetFolder(folderId: string): void {
    this.#forget(this.#keyOfFolder.get(folderId));
  }

  #forgetUser(userId: string): void {
    this.#epoch++;
    for (const key of this.#indexes.keys()) if (key.startsWith(`${userId}\0`)) this.#forget(key);
  }

  /** Creates the default folders of a mailbox the first time it is needed. */
  async ensureMailbox(userId: string, tx: Sql = this.sql): Promise<void> {
    if (this.#ready.has(userId)) return;
    // UIDVALIDITY: seconds since the epoch, a common choice that grows when a folder is recreated.
    // One statement for all folders: a first sign-in should cost one round trip, not eight.
    const validity = Math.floor(Date.now() / 1000);
    await tx.query(
      `insert into mail_folders (id, user_id, name, special_use, uid_validity)
       select f.id, $1, f.name, f.special_use, $2 from unnest($3::uuid[], $4::text[], $5::text[]) as f(id, name, special_use)
       on conflict (user_id, name) do nothing`,
      [userId, validity, DEFAULT_FOLDERS.map(() => randomUUID()), DEFAULT_FOLDERS.map((f) => f.name), DEFAULT_FOLDERS.map((f) => f.specialUse)],
    );
    this.#ready.add(userId);
  }

  /** A folder and its messages' metadata in one round trip (POP3's maildrop, IMAP's SELECT). */
  async folderWithIndex(userId: string, name: string): Promise<FolderIndex | undefined> {
    const key = `${userId}\0${name}`;
    const hit = this.#indexes.get(key);
    if (hit) {
      this.#indexes.delete(key);
      this.#indexes.set(key, hit);
      return copyIndex(hit);
    }
    const epoch = this.#epoch;
    await this.ensureMailbox(userId);
    const rows = await this.sql.query<FolderRow & { uid: number | null; flags: string[] | null; size: number | null; internal_date: Date | null }>(
      `select f.*, m.uid, m.flags, m.size, m.internal_date from mail_folders f
       left join mail_messages m on m.folder_id = f.id
       where f.user_id = $1 and f.name = $2 order by m.uid`,
      [userId, name],
    );
    if (!rows.length) return undefined;
    const messages = rows.filter((r) => r.uid !== null).map((r) => ({ uid: Number(r.uid), flags: r.flags!, size: r.size!, internalDate: r.internal_date! }));
    const index = { folder: folderInfo(rows[0]), messages };
    if (epoch === this.#epoch && this.indexCacheFolders > 0) {
      if (this.#indexes.size >= this.indexCacheFolders) this.#forget(this.#indexes.keys().next().value);
      this.#indexes.set(key, index);
      this.#keyOfFolder.set(index.folder.id, key);
      return copyIndex(index);
    }
    return index;
  }

  async deliver(userId: string, body: Buffer, options: { folder?: string; flags?: string[]; internalDate?: Date } = {}): Promise<Delivered & { folderId: string; uidValidity: number }> {
    const folder = options.folder ?? 'INBOX';
    // Parsed once, here: FETCH ENVELOPE and BODYSTRUCTURE read the stored structure.
    const structure = parseMessage(body);
    // ensureMailbox() marks the mailbox ready inside this transaction; if the transaction rolls
    // back (an unknown folder, a store error) its folders were never created, so unmark it, or
    // every later delivery to this user would fail with "no folder".
    const wasReady = this.#ready.has(userId);
    this.#forget(`${userId}\0${folder}`);
    const added = await this.sql
      .transaction(async (tx) => {
        await this.ensureMailbox(userId, tx);
        const rows = await tx.query<{ id: string; uid: number; uid_validity: number }>(
          'update mail_folders set uid_next = uid_next + 1 where user_id = $1 and name = $2 returning id, uid_next - 1 as uid, uid_validity',
          [userId, folder],
        );
        if (!rows.length) throw new MailError('not-found', `no folder "${folder}"`);
        await tx.query('insert into mail_messages (folder_id, uid, internal_date, flags, size, body, structure) values ($1, $2, $3, $4, $5, $6, $7)', [
          rows[0].id,
          rows[0].uid,
          options.internalDate ?? new Date(),
          JSON.stringify(options.flags ?? []),
          body.length,
          body,
          JSON.stringify(structure),
        ]);
        return { folderId: rows[0].id, uid: Number(rows[0].uid), uidValidity: Number(rows[0].uid_validity) };
      })
      .catch((error: unknown) => {
        if (!wasReady) this.#ready.delete(userId);
        throw error;
      });
    this.#forget(`${userId}\0${folder}`);
    const delivered = { userId, folder, ...added };
    this.emit('delivered', delivered);
    this.emit('changed', { folderId: added.folderId, kind: 'exists', uid: added.uid });
    return delivered;
  }

  // --- folders (IMAP LIST, CREATE, DELETE, RENAME, SUBSCRIBE, STATUS) ---

  async folders(userId: string): Promise<FolderInfo[]> {
    await this.ensureMailbox(userId);
    const rows = await this.sql.query<FolderRow>('select * from mail_folders where user_id = $1 order by name', [userId]);
    return rows.map(folderInfo);
  }

  async folder(userId: string, name: string): Promise<FolderInfo | undefined> {
    await this.ensureMailbox(userId);
    const rows = await this.sql.query<FolderRow>('select * from mail_folders where user_id = $1 and name = $2', [userId, name]);
    return rows[0] && folderInfo(rows[0]);
  }

  async createFolder(userId: string, name: string): Promise<FolderInfo> {
    if (!validFolderName(name)) throw new MailError('invalid', `not a folder name: ${name}`);
    await this.ensureMailbox(userId);
    this.#forgetUser(userId);
    const rows = await this.sql.query<FolderRow>(
      `insert into mail_folders (id, user_id, name, special_use, uid_validity) values ($1, $2, $3, null, $4)
       on conflict (user_id, name) do nothing returning *`,
      [randomUUID(), userId, name, Math.floor(Date.now() / 1000)],
    );
    if (!rows.length) throw new MailError('exists', `folder exists: ${name}`);
    return folderInfo(rows[0]);
  }

  async deleteFolder(userId: string, name: string): Promise<void> {
    if (name === 'INBOX') throw new MailError('inbox', 'INBOX cannot be deleted');
    this.#forgetUser(userId);
    const rows = await this.sql.query('delete from mail_folders where user_id = $1 and name = $2 returning id', [userId, name]);
    this.#forgetUser(userId);
    if (!rows.length) throw new MailError('not-found', `no folder "${name}"`);
  }

  /** RENAME (RFC 3501 §6.3.5): children move along; renaming INBOX moves its messages and leaves it empty. */
  async renameFolder(userId: string, from: string, to: string): Promise<void> {
    if (!validFolderName(to)) throw new MailError('invalid', `not a folder name: ${to}`);
    this.#forgetUser(userId);
    await this.sql.transaction(async (tx) => {
      const source = await tx.query<FolderRow>('select * from mail_folders where user_id = $1 and name = $2', [userId, from]);
      if (!source.length) throw new MailError('not-found', `no folder "${from}"`);
      const clash = await tx.query('select 1 from mail_folders where user_id = $1 and name = $2', [userId, to]);
      if (clash.length) throw new MailError('exists', `folder exists: ${to}`);
      if (from === 'INBOX') {
        const target = await tx.query<{ id: string }>(
          'insert into mail_folders (id, user_id, name, uid_validity, uid_next) values ($1, $2, $3, $4, $5) returning id',
          [randomUUID(), userId, to, Math.floor(Date.now() / 1000), Number(source[0].uid_next)],
        );
        await tx.query('update mail_messages set folder_id = $1 where folder_id = $2', [target[0].id, source[0].id]);
        return;
      }
      await tx.query(
        `update mail_folders set name = $3 || substr(name, length($2) + 1), uid_validity = uid_validity + 1
         where user_id = $1 and (name = $2 or name like $4)`,
        [userId, from, to, `${from.replace(/[\\%_]/g, '\\$&')}/%`],
      );
    });
    this.#forgetUser(userId);
  }

  async setSubscribed(userId: string, name: string, subscribed: boolean): Promise<void> {
    const rows = await this.sql.query('update mail_folders set subscribed = $3 where user_id = $1 and name = $2 returning id', [userId, name, subscribed]);
    this.#forgetUser(userId);
    if (!rows.length) throw new MailError('not-found', `no folder "${name}"`);
  }

  async status(folderId: string): Promise<{ messages: number; unseen: number; uidNext: number; uidValidity: number }> {
    const rows = await this.sql.query<{ messages: number; unseen: number; uid_next: number; uid_validity: number }>(
      `select f.uid_next, f.uid_validity,
              (select count(*)::int from mail_messages m where m.folder_id = f.id) as messages,
              (select count(*)::int from mail_messages m where m.folder_id = f.id and not m.flags ? '\\Seen') as unseen
       from mail_folders f where f.id = $1`,
      [folderId],
    );
    const r = rows[0];
    if (!r) throw new MailError('not-found', 'no such folder');
    return { messages: r.messages, unseen: r.unseen, uidNext: Number(r.uid_next), uidValidity: Number(r.uid_validity) };
  }

  // --- messages (IMAP SELECT, FETCH, STORE, COPY, MOVE, EXPUNGE, APPEND) ---

  /** Every message of a folder, without its bytes, in UID order. */
  async index(folderId: string): Promise<MessageMeta[]> {
    const rows = await this.sql.query<{ uid: number; flags: string[]; size: number; internal_date: Date }>(
      'select uid, flags, size, internal_date from mail_messages where folder_id = $1 order by uid',
      [folderId],
    );
    return rows.map((r) => ({ uid: Number(r.uid), flags: r.flags, size: r.size, internalDate: r.internal_date }));
  }

  /** The bytes and parsed structure of the given messages. */
  async contents(folderId: string, uids: readonly number[]): Promise<Map<number, { body: Buffer; structure: MessageStructure }>> {
    const out = new Map<number, { body: Buffer; structure: MessageStructure }>();
    if (!uids.length) return out;
    const rows = await this.sql.query<{ uid: number; body: Uint8Array; structure: MessageStructure | null }>(
      'select uid, body, structure from mail_messages where folder_id = $1 and uid = any($2::bigint[])',
      [folderId, uids as number[]],
    );
    for (const r of rows) {
      const body = Buffer.from(r.body);
      // Structures stored by an older parser are parsed again rather than trusted.
      const structure = r.structure && r.structure.version === STRUCTURE_VERSION ? r.structure : parseMessage(body);
      out.set(Number(r.uid), { body, structure });
    }
    return out;
  }

  /** STORE: set, add or remove flags; returns every touched message's flags after the change. */
  /** `origin` comes back on the change event, so the session that made a change can skip its own. */
  async setFlags(folderId: string, uids: readonly number[], mode: 'set' | 'add' | 'remove', flags: readonly string[], origin?: unknown): Promise<Map<number, string[]>> {
    const changed = new Map<number, string[]>();
    if (!uids.length) return changed;
    this.#forgetFolder(folderId);
    const rows = await this.sql.transaction(async (tx) => {
      const current = await tx.query<{ uid: number; flags: string[] }>('select uid, flags from mail_messages where folder_id = $1 and uid = any($2::bigint[])', [
        folderId,
        uids as number[],
      ]);
      const updates: { uid: number; flags: string[] }[] = [];
      for (const r of current) {
        const lower = new Set(r.flags.map((f) => f.toLowerCase()));
        let next: string[];
        if (mode === 'set') next = [...new Set(flags)];
        else if (mode === 'add') next = [...r.flags, ...flags.filter((f) => !lower.has(f.toLowerCase()))];
        else {
          const drop = new Set(flags.map((f) => f.toLowerCase()));
          next = r.flags.filter((f) => !drop.has(f.toLowerCase()));
        }
        updates.push({ uid: Number(r.uid), flags: next });
      }
      if (updates.length) {
        await tx.query(
          `update mail_messages m set flags = u.flags from (select * from unnest($2::bigint[], $3::jsonb[]) as t(uid, flags)) u
           where m.folder_id = $1 and m.uid = u.uid`,
          [folderId, updates.map((u) => u.uid), updates.map((u) => JSON.stringify(u.flags))],
        );
      }
      return updates;
    });
    this.#forgetFolder(folderId);
    for (const r of rows) changed.set(r.uid, r.flags);
    if (changed.size) this.emit('changed', { folderId, kind: 'flags', flags: changed, origin });
    return changed;
  }

  /** COPY (and the first half of MOVE): new UIDs in the target, in source order; returns [source, target] pairs. */
  async copy(fromFolderId: string, uids: readonly number[], toFolderId: string): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    this.#forgetFolder(toFolderId);
    const result = await this.sql.transaction(async (tx) => {
      const sources = await tx.query<{ uid: number }>('select uid from mail_messages where folder_id = $1 and uid = any($2::bigint[]) order by uid', [
        fromFolderId,
        uids as number[],
      ]);
      const target = await tx.query<{ uid_next: number; uid_validity: number }>(
        'update mail_folders set uid_next = uid_next + $2 where id = $1 returning uid_next - $2 as uid_next, uid_validity',
        [toFolderId, sources.length],
      );
      if (!target.length) throw new MailError('not-found', 'no such folder');
      const first = Number(target[0].uid_next);
      const pairs: [number, number][] = sources.map((s, i) => [Number(s.uid), first + i]);
      if (pairs.length) {
        await tx.query(
          `insert into mail_messages (folder_id, uid, internal_date, flags, size, body, structure)
           select $1, p.target, m.internal_date, m.flags, m.size, m.body, m.structure
           from unnest($3::bigint[], $4::bigint[]) as p(source, target)
           join mail_messages m on m.folder_id = $2 and m.uid = p.source`,
          [toFolderId, fromFolderId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        );
      }
      return { uidValidity: Number(target[0].uid_validity), pairs };
    });
    this.#forgetFolder(toFolderId);
    for (const [, uid] of result.pairs) this.emit('changed', { folderId: toFolderId, kind: 'exists', uid });
    return result;
  }

  /** Removes messages: those given (MOVE, UID EXPUNGE), or every \Deleted one (EXPUNGE, CLOSE). */
  async expunge(folderId: string, options: { uids?: readonly number[]; onlyDeleted: boolean; origin?: unknown }): Promise<number[]> {
    const conditions = ['folder_id = $1'];
    const params: unknown[] = [folderId];
    if (options.onlyDeleted) conditions.push("flags ? '\\Deleted'");
    if (options.uids) {
      params.push(options.uids as number[]);
      conditions.push(`uid = any($${params.length}::bigint[])`);
    }
    this.#forgetFolder(folderId);
    const rows = await this.sql.query<{ uid: number }>(`delete from mail_messages where ${conditions.join(' and ')} returning uid`, params as string[]);
    this.#forgetFolder(folderId);
    const uids = rows.map((r) => Number(r.uid)).sort((a, b) => a - b);
    if (uids.length) this.emit('changed', { folderId, kind: 'expunge', uids, origin: options.origin });
    return uids;
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

/** Callers keep and change what they are given (a SELECT's flags): the cached index stays as stored. */
function copyIndex(index: FolderIndex): FolderIndex {
  return { folder: { ...index.folder }, messages: index.messages.map((m) => ({ ...m, flags: [...m.flags] })) };
}
