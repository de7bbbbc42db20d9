// EWS ids: opaque base64 that map back to a place in the mail store. An item id names the
// mailbox, the folder and the message's UID; a folder id the mailbox and the folder. They start
// with the bytes Exchange's own store ids start with, so they read "AAMkA..." as real ones do,
// and stay valid for as long as the message stays in its folder (a move gives a new id, as in
// Exchange Online). ChangeKeys change whenever the flags change.
import { createHash } from 'node:crypto';

const PREFIX = Buffer.from([0x00, 0x03, 0x24, 0x00]);

export type IdKind = 'item' | 'folder' | 'root' | 'msgfolderroot';
const KIND_BYTE: Record<IdKind, number> = { item: 1, folder: 2, root: 3, msgfolderroot: 4 };
const KIND_OF = new Map(Object.entries(KIND_BYTE).map(([k, v]) => [v, k as IdKind]));

export interface ItemRef {
  kind: 'item';
  mailboxId: string;
  folderId: string;
  uid: number;
}

export interface FolderRef {
  kind: 'folder' | 'root' | 'msgfolderroot';
  mailboxId: string;
  /** The store folder's id; empty for the two folders the store does not hold (root, msgfolderroot). */
  folderId: string;
}

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');

function uuidOf(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function itemId(mailboxId: string, folderId: string, uid: number): string {
  const uidBytes = Buffer.alloc(4);
  uidBytes.writeUInt32BE(uid);
  return Buffer.concat([PREFIX, Buffer.from([KIND_BYTE.item]), uuidBytes(mailboxId), uuidBytes(folderId), uidBytes]).toString('base64');
}

export function folderId(ref: FolderRef): string {
  const folder = ref.kind === 'folder' ? uuidBytes(ref.folderId) : Buffer.alloc(16);
  return Buffer.concat([PREFIX, Buffer.from([KIND_BYTE[ref.kind]]), uuidBytes(ref.mailboxId), folder]).toString('base64');
}

/** Reads an id back; null when it is not one of ours (EWS: ErrorInvalidIdMalformed). */
export function parseId(id: string): ItemRef | FolderRef | null {
  if (id.length > 200 || !/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return null;
  const bytes = Buffer.from(id, 'base64');
  if (bytes.length < 37 || !bytes.subarray(0, 4).equals(PREFIX)) return null;
  const kind = KIND_OF.get(bytes[4]);
  if (!kind) return null;
  const mailboxId = uuidOf(bytes.subarray(5, 21));
  if (kind === 'item') {
    if (bytes.length !== 41) return null;
    return { kind, mailboxId, folderId: uuidOf(bytes.subarray(21, 37)), uid: bytes.readUInt32BE(37) };
  }
  if (bytes.length !== 37) return null;
  return { kind, mailboxId, folderId: kind === 'folder' ? uuidOf(bytes.subarray(21, 37)) : '' };
}

/** Changes with the flags, as Exchange's ChangeKey changes with every write to the item. */
export function itemChangeKey(uid: number, flags: readonly string[]): string {
  const digest = createHash('sha1').update(`${uid}|${[...flags].map((f) => f.toLowerCase()).sort().join(' ')}`).digest().subarray(0, 12);
  return Buffer.concat([Buffer.from([0x43, 0x51, 0x41, 0x41]), digest]).toString('base64');
}

/** Folders' ChangeKeys change with their counts. */
export function folderChangeKey(folderId: string, counts: { messages: number; unseen: number }): string {
  return createHash('sha1').update(`${folderId}|${counts.messages}|${counts.unseen}`).digest().subarray(0, 12).toString('base64');
}
