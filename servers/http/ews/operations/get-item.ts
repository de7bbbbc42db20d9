// GetItem: one response message per item id, with the shape's properties (MimeContent when
// IncludeMimeContent or item:MimeContent asks for it). Reading an item does not mark it read.
import { locateItem, needsContent, renderMessage } from '../items.js';
import { parseShape } from '../shape.js';
import { missingChild } from '../soap.js';
import { child, el, NS } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

export const getItem: Operation = {
  name: 'GetItem',
  async run(op, session) {
    const shape = parseShape(op, 'ItemShape');
    const ids = child(op, NS.messages, 'ItemIds')?.children ?? [];
    if (!ids.length) throw missingChild('GetItem', 'ItemIds');
    const messages = [];
    for (const idEl of ids) {
      const located = await locateItem(session, idEl);
      if (isError(located)) {
        messages.push(failure('GetItem', located, [el('m:Items')]));
        continue;
      }
      const content = needsContent(shape, 'get') ? (await session.ctx.mail.contents(located.folder.id, [located.meta.uid])).get(located.meta.uid) : undefined;
      messages.push(success('GetItem', [el('m:Items', null, [renderMessage(session, located, content, shape, 'get')])]));
    }
    return response('GetItem', messages);
  },
};
