// The folder hierarchy a device sees: the mailbox's mail folders from the store, with the
// ActiveSync folder types of MS-ASCMD §2.2.3.186.3, plus the default Calendar, Contacts and
// Tasks folders every Exchange mailbox has. Those (and Notes) hold no mail in this emulator, so
// they sync as empty collections of their class.
import type { MailStore } from '../../../core/mail/store.js';

export const FOLDER_TYPE = {
  userGeneric: 1,
  inbox: 2,
  drafts: 3,
  deleted: 4,
  sent: 5,
  outbox: 6,
  tasks: 7,
  calendar: 8,
  contacts: 9,
  notes: 10,
  journal: 11,
  userMail: 12,
} as const;

export interface EasFolder {
  serverId: string;
  parentId: string;
  displayName: string;
  type: number;
  /** The class of its items in Sync (AirSync:Class). */
  cls: 'Email' | 'Calendar' | 'Contacts' | 'Tasks' | 'Notes';
  /** The store folder behind it; null for a folder that holds no mail here. */
  store: { id: string; name: string } | null;
}

const BY_NAME: Readonly<Record<string, number>> = {
  INBOX: FOLDER_TYPE.inbox,
  Drafts: FOLDER_TYPE.drafts,
  'Deleted Items': FOLDER_TYPE.deleted,
  'Sent Items': FOLDER_TYPE.sent,
  Outbox: FOLDER_TYPE.outbox,
  Notes: FOLDER_TYPE.notes,
};

const VIRTUAL: readonly EasFolder[] = [
  { serverId: 'Calendar', parentId: '0', displayName: 'Calendar', type: FOLDER_TYPE.calendar, cls: 'Calendar', store: null },
  { serverId: 'Contacts', parentId: '0', displayName: 'Contacts', type: FOLDER_TYPE.contacts, cls: 'Contacts', store: null },
  { serverId: 'Tasks', parentId: '0', displayName: 'Tasks', type: FOLDER_TYPE.tasks, cls: 'Tasks', store: null },
];

export async function hierarchy(mail: MailStore, userId: string): Promise<Map<string, EasFolder>> {
  const folders = await mail.folders(userId);
  const idByName = new Map(folders.map((f) => [f.name, f.id]));
  const out = new Map<string, EasFolder>();
  for (const f of folders) {
    const slash = f.name.lastIndexOf('/');
    const parentName = slash > 0 ? f.name.slice(0, slash) : null;
    const type = BY_NAME[f.name] ?? FOLDER_TYPE.userMail;
    const notes = type === FOLDER_TYPE.notes;
    out.set(f.id, {
      serverId: f.id,
      parentId: (parentName && idByName.get(parentName)) || '0',
      displayName: f.name === 'INBOX' ? 'Inbox' : f.name.slice(slash + 1),
      type,
      cls: notes ? 'Notes' : 'Email',
      store: notes ? null : { id: f.id, name: f.name },
    });
  }
  for (const v of VIRTUAL) out.set(v.serverId, v);
  return out;
}

/** `collectionId:uid`, as Exchange forms item ServerIds. */
export const itemServerId = (collectionId: string, uid: number) => `${collectionId}:${uid}`;

export function parseItemServerId(serverId: string | undefined, collectionId: string): number | null {
  if (!serverId) return null;
  const colon = serverId.lastIndexOf(':');
  if (colon < 0 || serverId.slice(0, colon) !== collectionId) return null;
  const uid = Number(serverId.slice(colon + 1));
  return Number.isSafeInteger(uid) && uid > 0 ? uid : null;
}
