// Folders as EWS sees them: distinguished folder ids mapped onto the mail store's folders
// (core/mail/store.ts DEFAULT_FOLDERS, IMAP names), the two folders above them that the store
// does not hold (root and msgfolderroot, "Top of Information Store"), and t:Folder rendering.
import type { FolderInfo } from '../../../core/mail/store.js';
import { folderChangeKey, folderId, parseId } from './ids.js';
import { EWS_ERRORS, type EwsError } from './replies.js';
import type { EwsSession, MailboxView } from './session.js';
import type { Shape } from './shape.js';
import { notInEnumeration, schemaFault } from './soap.js';
import { child, childText, el, NS, type Out, type XmlElement } from './xml.js';

/** Distinguished ids the store holds, by the store's folder name. */
export const DISTINGUISHED_FOLDERS: Readonly<Record<string, string>> = {
  inbox: 'INBOX',
  deleteditems: 'Deleted Items',
  drafts: 'Drafts',
  junkemail: 'Junk Email',
  notes: 'Notes',
  outbox: 'Outbox',
  sentitems: 'Sent Items',
};

/**
 * The rest of DistinguishedFolderIdNameType: valid in a request (no schema error) but not in
 * exogate's mail-only store, so ErrorFolderNotFound.
 */
const OTHER_DISTINGUISHED = new Set([
  'calendar', 'contacts', 'journal', 'tasks', 'publicfoldersroot', 'searchfolders', 'voicemail',
  'recoverableitemsroot', 'recoverableitemsdeletions', 'recoverableitemsversions', 'recoverableitemspurges',
  'recoverableitemsdiscoveryholds', 'archiveroot', 'archivemsgfolderroot', 'archivedeleteditems', 'archiveinbox',
  'archiverecoverableitemsroot', 'archiverecoverableitemsdeletions', 'archiverecoverableitemsversions',
  'archiverecoverableitemspurges', 'archiverecoverableitemsdiscoveryholds', 'syncissues', 'conflicts', 'localfailures',
  'serverfailures', 'recipientcache', 'quickcontacts', 'conversationhistory', 'adminauditlogs', 'todosearch',
  'mycontacts', 'directory', 'imcontactlist', 'peopleconnect', 'favorites', 'mycontactsextended', 'companycontacts',
  'fromfavoritesenders', 'externalcontacts', 'allitems', 'allcategorizeditems', 'allcontacts', 'allpersonmetadata',
  'allcontactsinternal', 'peoplecentricconversationbuddies', 'relevantcontacts', 'archive', 'scheduled',
  'clutter', 'deferredaction', 'inference', 'inbasket', 'orionnotes', 'outlookflaggeditems', 'workinghourspreferences',
]);

/** A folder a request names: one the store holds, or one of the two above them. */
export type Place =
  | { kind: 'folder'; view: MailboxView; folder: FolderInfo }
  | { kind: 'root' | 'msgfolderroot'; view: MailboxView };

const DISPLAY_NAMES: Readonly<Record<string, string>> = { INBOX: 'Inbox' };

/**
 * Resolves one t:FolderId or t:DistinguishedFolderId element (with an optional t:Mailbox for
 * delegate access). Item-level problems come back as an EwsError; schema violations throw.
 */
export async function resolveFolder(session: EwsSession, ref: XmlElement): Promise<Place | EwsError> {
  if (ref.ns === NS.types && ref.name === 'DistinguishedFolderId') {
    const id = ref.attrs.Id ?? '';
    if (id !== 'root' && id !== 'msgfolderroot' && !(id in DISTINGUISHED_FOLDERS) && !OTHER_DISTINGUISHED.has(id)) {
      throw notInEnumeration('attribute', 'Id', id, 'DistinguishedFolderIdNameType');
    }
    const address = childText(child(ref, NS.types, 'Mailbox'), NS.types, 'EmailAddress')?.trim();
    const view = address ? session.open(address) : session.own;
    if (!('user' in view)) return view;
    if (id === 'root' || id === 'msgfolderroot') return { kind: id, view };
    const name = DISTINGUISHED_FOLDERS[id];
    const folder = name ? await view.byName(name) : undefined;
    return folder ? { kind: 'folder', view, folder } : EWS_ERRORS.folderNotFound;
  }
  if (ref.ns === NS.types && ref.name === 'FolderId') {
    const parsed = parseId(ref.attrs.Id ?? '');
    if (!parsed || parsed.kind === 'item') return EWS_ERRORS.invalidIdMalformed;
    const view = session.open(parsed.mailboxId);
    if (!('user' in view)) return view === EWS_ERRORS.nonExistentMailbox ? EWS_ERRORS.folderNotFound : view;
    if (parsed.kind !== 'folder') return { kind: parsed.kind, view };
    const folder = await view.byId(parsed.folderId);
    return folder ? { kind: 'folder', view, folder } : EWS_ERRORS.folderNotFound;
  }
  throw schemaFault(`The element '${ref.name}' in namespace '${ref.ns}' is not a folder id.`);
}

/** The folder id elements inside a container (FolderIds, ParentFolderIds, ToFolderId, SavedItemFolderId). */
export function folderRefs(container: XmlElement | undefined): XmlElement[] {
  return (container?.children ?? []).filter((c) => c.ns === NS.types && (c.name === 'FolderId' || c.name === 'DistinguishedFolderId'));
}

/** Direct children (Shallow) or every descendant (Deep) of a folder. */
export async function childrenOf(place: Place, deep: boolean): Promise<Place[]> {
  const view = place.view;
  if (place.kind === 'root') {
    const top: Place = { kind: 'msgfolderroot', view };
    return deep ? [top, ...(await childrenOf(top, true))] : [top];
  }
  const all = await view.folders();
  const prefix = place.kind === 'folder' ? `${place.folder.name}/` : '';
  return all
    .filter((f) => f.name.startsWith(prefix) && f.name !== prefix && (deep || !f.name.slice(prefix.length).includes('/')))
    .map((folder) => ({ kind: 'folder', view, folder }));
}

export function placeId(place: Place): { Id: string; ChangeKey: string } {
  const ref = { kind: place.kind, mailboxId: place.view.user.id, folderId: place.kind === 'folder' ? place.folder.id : '' };
  return { Id: folderId(ref), ChangeKey: 'AQAAAA==' };
}

function parentOf(place: Place): Place | null {
  if (place.kind !== 'folder') return place.kind === 'root' ? null : { kind: 'root', view: place.view };
  const slash = place.folder.name.lastIndexOf('/');
  if (slash < 0) return { kind: 'msgfolderroot', view: place.view };
  return null; // resolved by name in renderFolder, which can await
}

const FOLDER_FIELDS = ['folder:FolderId', 'folder:ParentFolderId', 'folder:FolderClass', 'folder:DisplayName', 'folder:TotalCount', 'folder:ChildFolderCount', 'folder:UnreadCount'] as const;
const DEFAULT_FOLDER_FIELDS = new Set(['folder:FolderId', 'folder:DisplayName', 'folder:TotalCount', 'folder:ChildFolderCount', 'folder:UnreadCount']);

/** t:Folder with the properties the shape asks for, in the schema's order. */
export async function renderFolder(session: EwsSession, place: Place, shape: Shape): Promise<Out> {
  const wanted = (field: string) =>
    field === 'folder:FolderId' || shape.base === 'AllProperties' || (shape.base === 'Default' && DEFAULT_FOLDER_FIELDS.has(field)) || shape.additional.has(field);
  const counts = place.kind === 'folder' ? await session.ctx.mail.status(place.folder.id) : { messages: 0, unseen: 0 };
  const id = placeId(place);
  if (place.kind === 'folder') id.ChangeKey = folderChangeKey(place.folder.id, counts);
  const out: Out[] = [];
  for (const field of FOLDER_FIELDS) {
    if (!wanted(field)) continue;
    switch (field) {
      case 'folder:FolderId':
        out.push(el('t:FolderId', id));
        break;
      case 'folder:ParentFolderId': {
        let parent = parentOf(place);
        if (!parent && place.kind === 'folder') {
          const parentFolder = await place.view.byName(place.folder.name.slice(0, place.folder.name.lastIndexOf('/')));
          parent = parentFolder ? { kind: 'folder', view: place.view, folder: parentFolder } : { kind: 'msgfolderroot', view: place.view };
        }
        if (parent) out.push(el('t:ParentFolderId', placeId(parent)));
        break;
      }
      case 'folder:FolderClass':
        if (place.kind === 'folder') out.push(el('t:FolderClass', null, 'IPF.Note'));
        break;
      case 'folder:DisplayName':
        out.push(el('t:DisplayName', null, displayName(place)));
        break;
      case 'folder:TotalCount':
        out.push(el('t:TotalCount', null, counts.messages));
        break;
      case 'folder:ChildFolderCount':
        out.push(el('t:ChildFolderCount', null, (await childrenOf(place, false)).length));
        break;
      case 'folder:UnreadCount':
        out.push(el('t:UnreadCount', null, counts.unseen));
        break;
    }
  }
  return el('t:Folder', null, out);
}

export function displayName(place: Place): string {
  if (place.kind !== 'folder') return place.kind === 'root' ? '' : 'Top of Information Store';
  const name = place.folder.name;
  return DISPLAY_NAMES[name] ?? name.slice(name.lastIndexOf('/') + 1);
}
