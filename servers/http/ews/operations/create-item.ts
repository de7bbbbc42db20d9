// CreateItem for messages: SaveOnly stores it (Drafts unless SavedItemFolderId names another
// folder); SendOnly and SendAndSaveCopy send it through core/mail/submission.ts, the path SMTP
// uses: send-as check, delivery to the recipients' mailboxes, capture of outside mail, and the
// copy: SendOnly keeps none, SendAndSaveCopy keeps it in Sent Items or the sender's folder
// SavedItemFolderId names.
import { maySendAs, submitMessage } from '../../../../core/mail/submission.js';
import { composeMessage, ComposeError } from '../compose.js';
import { folderRefs, resolveFolder, type Place } from '../folders.js';
import { itemIdOf } from '../items.js';
import { EWS_ERRORS, type EwsError } from '../replies.js';
import type { EwsSession } from '../session.js';
import { missingChild, notInEnumeration, schemaFault } from '../soap.js';
import { child, el, NS, type Out, type XmlElement } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

const DISPOSITIONS = new Set(['SaveOnly', 'SendOnly', 'SendAndSaveCopy']);

export const createItem: Operation = {
  name: 'CreateItem',
  async run(op, session) {
    const disposition = op.attrs.MessageDisposition;
    if (disposition !== undefined && !DISPOSITIONS.has(disposition)) {
      throw notInEnumeration('attribute', 'MessageDisposition', disposition, 'MessageDispositionType');
    }
    const items = child(op, NS.messages, 'Items')?.children ?? [];
    if (!items.length) throw missingChild('CreateItem', 'Items');
    const savedRef = folderRefs(child(op, NS.messages, 'SavedItemFolderId'))[0];
    const messages: Out[] = [];
    for (const item of items) {
      const result = await createOne(session, item, disposition, savedRef);
      messages.push(isError(result) ? failure('CreateItem', result, [el('m:Items')]) : success('CreateItem', [el('m:Items', null, result)]));
    }
    return response('CreateItem', messages);
  },
};

async function createOne(session: EwsSession, item: XmlElement, disposition: string | undefined, savedRef: XmlElement | undefined): Promise<Out[] | EwsError> {
  if (item.ns !== NS.types) throw schemaFault(`The element '${item.name}' in namespace '${item.ns}' is not an item.`);
  if (item.name !== 'Message') return EWS_ERRORS.itemTypeNotSupported;
  if (!disposition) return EWS_ERRORS.messageDispositionRequired;
  const { ctx, mailbox } = session;
  const at = new Date(ctx.clock.now());
  const host = session.frontEnd?.backend ?? 'exogate.local';
  let composed;
  try {
    composed = composeMessage(item, { name: mailbox.displayName, address: mailbox.upn }, at, host);
  } catch (error) {
    if (error instanceof ComposeError) return error.reason === 'invalid-mime' ? EWS_ERRORS.invalidMime : EWS_ERRORS.invalidRecipients;
    throw error;
  }

  if (disposition === 'SaveOnly') {
    let place: Place | EwsError;
    if (savedRef) place = await resolveFolder(session, savedRef);
    else {
      const drafts = await session.own.byName('Drafts');
      place = drafts ? { kind: 'folder', view: session.own, folder: drafts } : EWS_ERRORS.folderNotFound;
    }
    if (isError(place)) return place;
    if (place.kind !== 'folder') return EWS_ERRORS.folderNotFound;
    const flags = [...(composed.isRead === false ? [] : ['\\Seen']), ...(child(item, NS.types, 'MimeContent') ? [] : ['\\Draft'])];
    const stored = await ctx.mail.deliver(place.view.user.id, composed.message, { folder: place.folder.name, flags, internalDate: at });
    return [el('t:Message', null, [el('t:ItemId', itemIdOf(place.view, place.folder, { uid: stored.uid, flags }))])];
  }

  if (!composed.rcptTo.length) return EWS_ERRORS.invalidRecipients;
  const sender = { tenant: session.tenant, mailbox, trustee: session.trustee };
  if (!maySendAs(sender, composed.from, ctx.directory)) return EWS_ERRORS.sendAsDenied;
  let saveCopy: string | null = null;
  if (disposition === 'SendAndSaveCopy') {
    saveCopy = 'Sent Items';
    if (savedRef) {
      const place = await resolveFolder(session, savedRef);
      if (isError(place)) return place;
      // The copy is the sender's: a folder of another mailbox cannot hold it.
      if (place.kind !== 'folder' || place.view.user.id !== mailbox.id) return EWS_ERRORS.folderNotFound;
      saveCopy = place.folder.name;
    }
  }
  const done = await submitMessage(
    { directory: ctx.directory, mail: ctx.mail },
    { sender, mailFrom: composed.from, rcptTo: composed.rcptTo, message: composed.message, at, messageIdHost: host, saveCopy },
  );
  ctx.log.info({ proto: 'ews', tenant: session.tenant.name, user: mailbox.upn, rcpts: composed.rcptTo.length, delivered: done.delivered, captured: done.captured, bytes: composed.message.length }, 'submitted');
  return [];
}
