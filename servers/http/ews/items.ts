// Messages as EWS items: finding a stored message from a t:ItemId, and rendering t:Message
// with the properties an ItemShape asks for, in the schema's element order (ItemType, then
// MessageType), so strict clients (generated proxies, ews-javascript-api) read them.
import type { MessageStructure } from '../../../core/mail/mime.js';
import type { FolderInfo, MessageMeta } from '../../../core/mail/store.js';
import { placeId } from './folders.js';
import { itemChangeKey, itemId, parseId } from './ids.js';
import { addressesOf, bodyOf, decodeHeader, hasAttachments, type MailAddress } from './mime-text.js';
import { EWS_ERRORS, type EwsError } from './replies.js';
import type { EwsSession, MailboxView } from './session.js';
import type { Shape } from './shape.js';
import { schemaFault } from './soap.js';
import { el, NS, type Out, type XmlElement } from './xml.js';

export interface Located {
  view: MailboxView;
  folder: FolderInfo;
  meta: MessageMeta;
}

export interface Content {
  body: Buffer;
  structure: MessageStructure;
}

/** The message a t:ItemId names, or the per-item error EWS gives for it. */
export async function locateItem(session: EwsSession, idEl: XmlElement): Promise<Located | EwsError> {
  if (idEl.ns !== NS.types || idEl.name !== 'ItemId') throw schemaFault(`The element '${idEl.name}' in namespace '${idEl.ns}' is not an item id.`);
  const ref = parseId(idEl.attrs.Id ?? '');
  if (!ref || ref.kind !== 'item') return EWS_ERRORS.invalidIdMalformed;
  const view = session.open(ref.mailboxId);
  if (!('user' in view)) return view === EWS_ERRORS.accessDenied ? view : EWS_ERRORS.itemNotFound;
  const folder = await view.byId(ref.folderId);
  if (!folder) return EWS_ERRORS.itemNotFound;
  const meta = (await session.ctx.mail.index(folder.id)).find((m) => m.uid === ref.uid);
  return meta ? { view, folder, meta } : EWS_ERRORS.itemNotFound;
}

export function itemIdOf(view: MailboxView, folder: FolderInfo, meta: Pick<MessageMeta, 'uid' | 'flags'>): { Id: string; ChangeKey: string } {
  return { Id: itemId(view.user.id, folder.id, meta.uid), ChangeKey: itemChangeKey(meta.uid, meta.flags) };
}

/** EWS dates: UTC, second precision. */
export function ewsDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const has = (flags: readonly string[], flag: string) => flags.some((f) => f.toLowerCase() === flag.toLowerCase());

type Where = 'find' | 'get';

/** Properties in the default shape; FindItem never returns bodies or recipient lists (EWS refuses them there). */
const DEFAULT_FIELDS = new Set([
  'item:Subject', 'item:Sensitivity', 'item:Body', 'item:DateTimeReceived', 'item:Size', 'item:DateTimeSent', 'item:DateTimeCreated',
  'item:HasAttachments', 'message:ToRecipients', 'message:CcRecipients', 'message:From', 'message:IsRead',
]);
const NOT_IN_FIND = new Set(['item:Body', 'message:ToRecipients', 'message:CcRecipients', 'message:BccRecipients', 'item:MimeContent']);

function mailbox(a: MailAddress, session: EwsSession): Out {
  const known = session.ctx.directory.userByUpn(a.address);
  return el('t:Mailbox', null, [
    el('t:Name', null, known && a.name === a.address ? known.displayName : a.name),
    el('t:EmailAddress', null, a.address),
    el('t:RoutingType', null, 'SMTP'),
    el('t:MailboxType', null, known ? 'Mailbox' : 'OneOff'),
  ]);
}

/** t:Message with the shape's properties. `content` is needed for anything beyond ids and flags. */
export function renderMessage(session: EwsSession, located: Located, content: Content | undefined, shape: Shape, where: Where): Out {
  const { view, folder, meta } = located;
  const wanted = (field: string) =>
    !(where === 'find' && NOT_IN_FIND.has(field)) &&
    (shape.base === 'AllProperties' || (shape.base === 'Default' && DEFAULT_FIELDS.has(field)) || shape.additional.has(field));
  const env = content?.structure.envelope;
  const from = addressesOf(env?.from ?? null)[0];
  const sender = addressesOf(env?.sender ?? null)[0] ?? from;
  const to = addressesOf(env?.to ?? null);
  const cc = addressesOf(env?.cc ?? null);
  const sent = env?.date ? new Date(Date.parse(env.date)) : null;
  const sentAt = sent && !Number.isNaN(sent.getTime()) ? sent : meta.internalDate;
  const isDraft = has(meta.flags, '\\Draft') || folder.name === 'Drafts';
  const out: Out[] = [];
  const add = (field: string, node: () => Out | null) => {
    if (!wanted(field)) return;
    const n = node();
    if (n) out.push(n);
  };

  if (shape.includeMime && where === 'get' && content) out.push(el('t:MimeContent', { CharacterSet: 'UTF-8' }, content.body.toString('base64')));
  out.push(el('t:ItemId', itemIdOf(view, folder, meta)));
  add('item:ParentFolderId', () => el('t:ParentFolderId', placeId({ kind: 'folder', view, folder })));
  add('item:ItemClass', () => el('t:ItemClass', null, 'IPM.Note'));
  if (content) {
    add('item:Subject', () => el('t:Subject', null, decodeHeader(env?.subject)));
    add('item:Sensitivity', () => el('t:Sensitivity', null, 'Normal'));
    add('item:Body', () => {
      const body = bodyOf(content.body, content.structure, shape.bodyType);
      return el('t:Body', { BodyType: body.type, IsTruncated: 'false' }, body.text);
    });
  }
  add('item:DateTimeReceived', () => el('t:DateTimeReceived', null, ewsDate(meta.internalDate)));
  add('item:Size', () => el('t:Size', null, meta.size));
  add('item:Importance', () => el('t:Importance', null, 'Normal'));
  if (content) add('item:InReplyTo', () => (env?.inReplyTo ? el('t:InReplyTo', null, env.inReplyTo) : null));
  add('item:IsSubmitted', () => el('t:IsSubmitted', null, false));
  add('item:IsDraft', () => el('t:IsDraft', null, isDraft));
  add('item:IsFromMe', () => el('t:IsFromMe', null, !!from && from.address.toLowerCase() === view.user.upn));
  add('item:IsResend', () => el('t:IsResend', null, false));
  add('item:IsUnmodified', () => el('t:IsUnmodified', null, !isDraft));
  if (content) add('item:DateTimeSent', () => el('t:DateTimeSent', null, ewsDate(sentAt)));
  add('item:DateTimeCreated', () => el('t:DateTimeCreated', null, ewsDate(meta.internalDate)));
  if (content) {
    add('item:DisplayCc', () => el('t:DisplayCc', null, cc.map((a) => a.name).join('; ')));
    add('item:DisplayTo', () => el('t:DisplayTo', null, to.map((a) => a.name).join('; ')));
    add('item:HasAttachments', () => el('t:HasAttachments', null, hasAttachments(content.structure.body)));
  }
  add('item:LastModifiedTime', () => el('t:LastModifiedTime', null, ewsDate(meta.internalDate)));
  if (content) {
    add('message:Sender', () => (sender ? el('t:Sender', null, [mailbox(sender, session)]) : null));
    add('message:ToRecipients', () => (to.length ? el('t:ToRecipients', null, to.map((a) => mailbox(a, session))) : null));
    add('message:CcRecipients', () => (cc.length ? el('t:CcRecipients', null, cc.map((a) => mailbox(a, session))) : null));
  }
  add('message:IsReadReceiptRequested', () => el('t:IsReadReceiptRequested', null, false));
  add('message:IsDeliveryReceiptRequested', () => el('t:IsDeliveryReceiptRequested', null, false));
  if (content) {
    add('message:From', () => (from ? el('t:From', null, [mailbox(from, session)]) : null));
    add('message:InternetMessageId', () => (env?.messageId ? el('t:InternetMessageId', null, env.messageId) : null));
  }
  add('message:IsRead', () => el('t:IsRead', null, has(meta.flags, '\\Seen')));
  return el('t:Message', null, out);
}

const CHEAP_FIELDS = new Set(['item:ItemId', 'item:ParentFolderId', 'item:ItemClass', 'item:DateTimeReceived', 'item:Size', 'item:DateTimeCreated', 'message:IsRead', 'item:IsDraft', 'item:LastModifiedTime']);

/** Does rendering this shape need the message's bytes (anything beyond ids, sizes, dates and flags)? */
export function needsContent(shape: Shape, where: Where): boolean {
  if (shape.base !== 'IdOnly' || (shape.includeMime && where === 'get')) return true;
  return [...shape.additional].some((f) => !CHEAP_FIELDS.has(f));
}
