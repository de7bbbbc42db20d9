// MoveItem and CopyItem: the message lands in ToFolderId under a new id (Exchange Online's
// ReturnNewItemIds), which the response carries; a move removes the original.
import { folderRefs, resolveFolder } from '../folders.js';
import { itemIdOf, locateItem } from '../items.js';
import { EWS_ERRORS, type EwsError } from '../replies.js';
import { missingChild } from '../soap.js';
import { child, el, NS, type Out } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

function transfer(name: 'MoveItem' | 'CopyItem'): Operation {
  return {
    name,
    async run(op, session) {
      const targetRef = folderRefs(child(op, NS.messages, 'ToFolderId'))[0];
      if (!targetRef) throw missingChild(name, 'ToFolderId');
      const ids = child(op, NS.messages, 'ItemIds')?.children ?? [];
      if (!ids.length) throw missingChild(name, 'ItemIds');
      const target = await resolveFolder(session, targetRef);
      const messages: Out[] = [];
      for (const idEl of ids) {
        let result: Out | EwsError;
        const located = await locateItem(session, idEl);
        if (isError(target)) result = target;
        else if (target.kind !== 'folder') result = EWS_ERRORS.folderNotFound;
        else if (isError(located)) result = located;
        else {
          const { pairs } = await session.ctx.mail.copy(located.folder.id, [located.meta.uid], target.folder.id);
          if (!pairs.length) result = EWS_ERRORS.itemNotFound;
          else {
            if (name === 'MoveItem') await session.ctx.mail.expunge(located.folder.id, { uids: [located.meta.uid], onlyDeleted: false });
            result = el('t:Message', null, [el('t:ItemId', itemIdOf(target.view, target.folder, { uid: pairs[0][1], flags: located.meta.flags }))]);
          }
        }
        messages.push(isError(result) ? failure(name, result, [el('m:Items')]) : success(name, [el('m:Items', null, [result])]));
      }
      return response(name, messages);
    },
  };
}

export const moveItem = transfer('MoveItem');
export const copyItem = transfer('CopyItem');
