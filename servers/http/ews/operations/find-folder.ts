// FindFolder: the subfolders of each parent, Shallow or Deep, paged by IndexedPageFolderView.
import { childrenOf, folderRefs, renderFolder, resolveFolder } from '../folders.js';
import { page, parseIndexedView, parseShape } from '../shape.js';
import { missingChild, notInEnumeration } from '../soap.js';
import { child, el, NS } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

export const findFolder: Operation = {
  name: 'FindFolder',
  async run(op, session) {
    const traversal = op.attrs.Traversal ?? '';
    if (traversal !== 'Shallow' && traversal !== 'Deep' && traversal !== 'SoftDeleted') {
      throw notInEnumeration('attribute', 'Traversal', traversal, 'FolderQueryTraversalType');
    }
    const shape = parseShape(op, 'FolderShape');
    const view = parseIndexedView(op, 'IndexedPageFolderView', session.ctx.limits.httpMaxPageItems);
    const refs = folderRefs(child(op, NS.messages, 'ParentFolderIds'));
    if (!refs.length) throw missingChild('FindFolder', 'ParentFolderIds');
    const messages = [];
    for (const ref of refs) {
      const place = await resolveFolder(session, ref);
      if (isError(place)) {
        messages.push(failure('FindFolder', place));
        continue;
      }
      // Soft-deleted folders do not exist in exogate's store: an empty view.
      const all = traversal === 'SoftDeleted' ? [] : await childrenOf(place, traversal === 'Deep');
      const { items, attrs } = page(all, view);
      const folders = [];
      for (const p of items) folders.push(await renderFolder(session, p, shape));
      messages.push(success('FindFolder', [el('m:RootFolder', attrs, [el('t:Folders', null, folders)])]));
    }
    return response('FindFolder', messages);
  },
};
