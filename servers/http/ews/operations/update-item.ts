// UpdateItem: the read flag (message:IsRead, set or deleted) maps onto the store's \Seen flag,
// the one a message property exogate keeps that clients change. (choice) Any other property is
// refused per item with ErrorInvalidPropertySet rather than silently dropped.
import { itemChangeKey } from '../ids.js';
import { itemIdOf, locateItem } from '../items.js';
import { EWS_ERRORS, type EwsError } from '../replies.js';
import type { EwsSession } from '../session.js';
import { missingChild, notInEnumeration, schemaFault } from '../soap.js';
import { child, childrenNamed, childText, el, NS, type Out, type XmlElement } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

const RESOLUTIONS = new Set(['NeverOverwrite', 'AutoResolve', 'AlwaysOverwrite']);

export const updateItem: Operation = {
  name: 'UpdateItem',
  async run(op, session) {
    const resolution = op.attrs.ConflictResolution ?? 'AutoResolve';
    if (!RESOLUTIONS.has(resolution)) throw notInEnumeration('attribute', 'ConflictResolution', resolution, 'ConflictResolutionType');
    const changes = childrenNamed(child(op, NS.messages, 'ItemChanges'), NS.types, 'ItemChange');
    if (!changes.length) throw missingChild('UpdateItem', 'ItemChanges');
    const messages: Out[] = [];
    for (const change of changes) {
      const result = await updateOne(session, change, resolution);
      messages.push(
        isError(result)
          ? failure('UpdateItem', result, [el('m:Items')])
          : success('UpdateItem', [el('m:Items', null, [el('t:Message', null, [el('t:ItemId', result)])]), el('m:ConflictResults', null, [el('t:Count', null, 0)])]),
      );
    }
    return response('UpdateItem', messages);
  },
};

async function updateOne(session: EwsSession, change: XmlElement, resolution: string): Promise<{ Id: string; ChangeKey: string } | EwsError> {
  const idEl = child(change, NS.types, 'ItemId');
  if (!idEl) throw schemaFault(`The element 'ItemChange' in namespace '${NS.types}' has incomplete content. List of possible elements expected: 'ItemId'.`);
  const located = await locateItem(session, idEl);
  if (isError(located)) return located;
  const { folder, meta } = located;
  const given = idEl.attrs.ChangeKey;
  if (resolution === 'NeverOverwrite' && given && given !== itemChangeKey(meta.uid, meta.flags)) return EWS_ERRORS.irresolvableConflict;
  let read: boolean | undefined;
  for (const update of child(change, NS.types, 'Updates')?.children ?? []) {
    const field = child(update, NS.types, 'FieldURI')?.attrs.FieldURI;
    if (field !== 'message:IsRead' || update.name === 'AppendToItemField') return EWS_ERRORS.invalidPropertySet;
    if (update.name === 'DeleteItemField') read = false;
    else if (update.name === 'SetItemField') {
      const value = childText(child(update, NS.types, 'Message') ?? child(update, NS.types, 'Item'), NS.types, 'IsRead')?.trim();
      if (value !== 'true' && value !== 'false' && value !== '1' && value !== '0') throw schemaFault(`The 'IsRead' element is invalid - The value '${value ?? ''}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:boolean'.`);
      read = value === 'true' || value === '1';
    } else throw schemaFault(`The element '${update.name}' is not an item update.`);
  }
  let flags = meta.flags;
  if (read !== undefined) {
    const changed = await session.ctx.mail.setFlags(folder.id, [meta.uid], read ? 'add' : 'remove', ['\\Seen']);
    flags = changed.get(meta.uid) ?? flags;
  }
  return itemIdOf(located.view, folder, { uid: meta.uid, flags });
}
