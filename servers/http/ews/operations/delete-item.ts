// DeleteItem. MoveToDeletedItems moves the message to its mailbox's Deleted Items; HardDelete
// removes it. (choice) exogate's store has no Recoverable Items folder, so SoftDelete, and
// MoveToDeletedItems of a message already in Deleted Items, remove it as HardDelete does.
import { locateItem } from '../items.js';
import { EWS_ERRORS, type EwsError } from '../replies.js';
import type { EwsSession } from '../session.js';
import { missingChild, notInEnumeration } from '../soap.js';
import { child, NS, type Out, type XmlElement } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

const DELETE_TYPES = new Set(['HardDelete', 'SoftDelete', 'MoveToDeletedItems']);

export const deleteItem: Operation = {
  name: 'DeleteItem',
  async run(op, session) {
    const type = op.attrs.DeleteType;
    if (!type || !DELETE_TYPES.has(type)) {
      throw notInEnumeration('attribute', 'DeleteType', type ?? '', 'DisposalType');
    }
    const ids = child(op, NS.messages, 'ItemIds')?.children ?? [];
    if (!ids.length) throw missingChild('DeleteItem', 'ItemIds');
    const messages: Out[] = [];
    for (const idEl of ids) {
      const error = await deleteOne(session, idEl, type);
      messages.push(error ? failure('DeleteItem', error) : success('DeleteItem'));
    }
    return response('DeleteItem', messages);
  },
};

async function deleteOne(session: EwsSession, idEl: XmlElement, type: string): Promise<EwsError | null> {
  const located = await locateItem(session, idEl);
  if (isError(located)) return located;
  const { view, folder, meta } = located;
  if (type === 'MoveToDeletedItems' && folder.name !== 'Deleted Items') {
    const trash = await view.byName('Deleted Items');
    if (!trash) return EWS_ERRORS.folderNotFound;
    await session.ctx.mail.copy(folder.id, [meta.uid], trash.id);
  }
  await session.ctx.mail.expunge(folder.id, { uids: [meta.uid], onlyDeleted: false });
  return null;
}
