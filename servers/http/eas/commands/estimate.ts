// GetItemEstimate (MS-ASCMD §2.2.1.9): how many changes the next Sync of each collection would
// bring, counted exactly as Sync finds them.
import { hierarchy } from '../folders.js';
import { ESTIMATE_STATUS } from '../replies.js';
import { syncKey } from '../state.js';
import { all, childText, first, ns } from '../wbxml/tree.js';
import { serverChanges } from './collection.js';
import { reply, type CommandSpec } from './spec.js';

const gie = ns('GetItemEstimate');

export const getItemEstimate: CommandSpec = {
  name: 'GetItemEstimate',
  root: ['GetItemEstimate', 'GetItemEstimate'],
  async handle(req) {
    const doc = req.doc;
    if (!doc || doc.ns !== 'GetItemEstimate' || doc.tag !== 'GetItemEstimate') return reply(gie('GetItemEstimate', gie('Status', ESTIMATE_STATUS.badCollection)));
    const folders = await hierarchy(req.ctx.mail, req.mailbox.id);
    const responses = [];
    for (const c of all(first(doc, 'Collections'), 'Collection')) {
      const id = childText(c, 'CollectionId') ?? '';
      // 14.0 and later send the SyncKey in the AirSync namespace; 12.x in GetItemEstimate's.
      const key = childText(c, 'SyncKey', 'AirSync') ?? childText(c, 'SyncKey');
      const folder = folders.get(id);
      const state = req.device.collections.get(id);
      const status = !folder ? ESTIMATE_STATUS.badCollection : !state || key === '0' ? ESTIMATE_STATUS.notPrimed : key !== syncKey(state) ? ESTIMATE_STATUS.invalidSyncKey : ESTIMATE_STATUS.success;
      if (status !== ESTIMATE_STATUS.success) {
        responses.push(gie('Response', gie('Status', status), gie('Collection', gie('CollectionId', id))));
        continue;
      }
      const estimate = (await serverChanges(req.ctx, folder!, state!)).length;
      responses.push(gie('Response', gie('Status', ESTIMATE_STATUS.success), gie('Collection', gie('CollectionId', id), gie('Estimate', estimate))));
    }
    return reply(gie('GetItemEstimate', responses));
  },
};
