// FindItem: the messages of each parent folder (Shallow), optionally filtered by a Restriction,
// sorted (newest received first unless SortOrder says otherwise), paged by IndexedPageItemView
// and capped at the server's page limit (EWSFindCountLimit), as Exchange Online does.
import { folderRefs, resolveFolder } from '../folders.js';
import { needsContent, renderMessage } from '../items.js';
import { EWS_ERRORS } from '../replies.js';
import { compileRestriction, UnsupportedRestriction, type Candidate, type Restriction } from '../restriction.js';
import type { EwsSession } from '../session.js';
import { page, parseIndexedView, parseShape } from '../shape.js';
import { missingChild, notInEnumeration } from '../soap.js';
import { child, childrenNamed, el, NS, type XmlElement } from '../xml.js';
import { failure, isError, response, success } from './respond.js';
import type { Operation } from './spec.js';

type Sort = { key: (c: Candidate) => number | string; descending: boolean; content: boolean };

const SORT_KEYS: Readonly<Record<string, { key: Sort['key']; content: boolean }>> = {
  'item:DateTimeReceived': { key: (c) => c.meta.internalDate.getTime(), content: false },
  'item:DateTimeCreated': { key: (c) => c.meta.internalDate.getTime(), content: false },
  'item:DateTimeSent': { key: (c) => c.meta.internalDate.getTime(), content: false },
  'item:Size': { key: (c) => c.meta.size, content: false },
  'item:Subject': { key: (c) => (c.content?.structure.envelope.subject ?? '').toLowerCase(), content: true },
};

function parseSort(op: XmlElement): Sort {
  const order = childrenNamed(child(op, NS.messages, 'SortOrder'), NS.types, 'FieldOrder')[0];
  if (!order) return { key: SORT_KEYS['item:DateTimeReceived'].key, descending: true, content: false };
  const field = child(order, NS.types, 'FieldURI')?.attrs.FieldURI ?? '';
  const known = SORT_KEYS[field] ?? SORT_KEYS['item:DateTimeReceived'];
  const direction = order.attrs.Order ?? 'Ascending';
  if (direction !== 'Ascending' && direction !== 'Descending') throw notInEnumeration('attribute', 'Order', direction, 'SortDirectionType');
  return { key: known.key, descending: direction === 'Descending', content: known.content };
}

export const findItem: Operation = {
  name: 'FindItem',
  async run(op, session) {
    const traversal = op.attrs.Traversal ?? '';
    if (traversal !== 'Shallow' && traversal !== 'SoftDeleted' && traversal !== 'Associated') {
      throw notInEnumeration('attribute', 'Traversal', traversal, 'ItemQueryTraversalType');
    }
    const shape = parseShape(op, 'ItemShape');
    const view = parseIndexedView(op, 'IndexedPageItemView', session.ctx.limits.httpMaxPageItems);
    const sort = parseSort(op);
    const refs = folderRefs(child(op, NS.messages, 'ParentFolderIds'));
    if (!refs.length) throw missingChild('FindItem', 'ParentFolderIds');
    let restriction: Restriction | null = null;
    let unsupported = !!child(op, NS.messages, 'QueryString');
    try {
      restriction = compileRestriction(child(op, NS.messages, 'Restriction'));
    } catch (error) {
      if (!(error instanceof UnsupportedRestriction)) throw error;
      unsupported = true;
    }
    const messages = [];
    for (const ref of refs) {
      const place = await resolveFolder(session, ref);
      if (isError(place)) {
        messages.push(failure('FindItem', place));
        continue;
      }
      if (unsupported) {
        messages.push(failure('FindItem', EWS_ERRORS.unsupportedPathForQuery));
        continue;
      }
      // root and msgfolderroot hold folders only; soft-deleted and associated items are not kept.
      if (place.kind !== 'folder' || traversal !== 'Shallow') {
        messages.push(success('FindItem', [el('m:RootFolder', { IndexedPagingOffset: 0, TotalItemsInView: 0, IncludesLastItemInRange: true }, [el('t:Items')])]));
        continue;
      }
      const metas = await session.ctx.mail.index(place.folder.id);
      let candidates: Candidate[] = metas.map((meta) => ({ meta }));
      const early = restriction?.needsContent || sort.content;
      if (early) await attachContent(session, place.folder.id, candidates);
      if (restriction) candidates = candidates.filter(restriction.test);
      candidates.sort((a, b) => {
        const ka = sort.key(a);
        const kb = sort.key(b);
        const byKey = ka < kb ? -1 : ka > kb ? 1 : a.meta.uid - b.meta.uid;
        return sort.descending ? -byKey : byKey;
      });
      const { items, attrs } = page(candidates, view);
      if (!early && needsContent(shape, 'find')) await attachContent(session, place.folder.id, items);
      const rendered = items.map((c) => renderMessage(session, { view: place.view, folder: place.folder, meta: c.meta }, c.content, shape, 'find'));
      messages.push(success('FindItem', [el('m:RootFolder', attrs, [el('t:Items', null, rendered)])]));
    }
    return response('FindItem', messages);
  },
};

async function attachContent(session: EwsSession, folderId: string, candidates: Candidate[]): Promise<void> {
  const contents = await session.ctx.mail.contents(folderId, candidates.map((c) => c.meta.uid));
  for (const c of candidates) c.content = contents.get(c.meta.uid);
}
