// GetFolder: one response message per folder id, in request order.
import { folderRefs, renderFolder, resolveFolder } from '../folders.js';
import { parseShape } from '../shape.js';
import { missingChild } from '../soap.js';
import { child, el, NS } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

export const getFolder: Operation = {
  name: 'GetFolder',
  async run(op, session) {
    const shape = parseShape(op, 'FolderShape');
    const refs = folderRefs(child(op, NS.messages, 'FolderIds'));
    if (!refs.length) throw missingChild('GetFolder', 'FolderIds');
    const messages = [];
    for (const ref of refs) {
      const place = await resolveFolder(session, ref);
      if (isError(place)) messages.push(failure('GetFolder', place, [el('m:Folders')]));
      else messages.push(success('GetFolder', [el('m:Folders', null, [await renderFolder(session, place, shape)])]));
    }
    return response('GetFolder', messages);
  },
};
