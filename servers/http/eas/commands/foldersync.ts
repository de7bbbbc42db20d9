// FolderSync (MS-ASCMD §2.2.1.5): SyncKey 0 gets the whole hierarchy, a later key the folders
// added, changed and deleted since. A key the server does not hold is Status 9, after which the
// client starts again from 0.
import { FOLDERSYNC_STATUS } from '../replies.js';
import { hierarchy } from '../folders.js';
import type { HierarchyEntry } from '../state.js';
import { childText, ns } from '../wbxml/tree.js';
import { reply, type CommandSpec } from './spec.js';

const fh = ns('FolderHierarchy');

export const folderSync: CommandSpec = {
  name: 'FolderSync',
  root: ['FolderHierarchy', 'FolderSync'],
  async handle(req) {
    const doc = req.doc;
    const key = doc && doc.ns === 'FolderHierarchy' && doc.tag === 'FolderSync' ? childText(doc, 'SyncKey') : undefined;
    if (key === undefined) return reply(fh('FolderSync', fh('Status', FOLDERSYNC_STATUS.badRequest)));
    const held = req.device.hierarchy;
    if (key !== '0' && (!held || key !== String(held.key))) return reply(fh('FolderSync', fh('Status', FOLDERSYNC_STATUS.invalidSyncKey)));

    const current = new Map<string, HierarchyEntry>();
    for (const f of (await hierarchy(req.ctx.mail, req.mailbox.id)).values()) current.set(f.serverId, { parentId: f.parentId, displayName: f.displayName, type: f.type });
    const before = key === '0' || !held ? new Map<string, HierarchyEntry>() : held.folders;

    const updates = [];
    const deletes = [];
    const adds = [];
    for (const [id, entry] of current) {
      const old = before.get(id);
      const add = () => [fh('ServerId', id), fh('ParentId', entry.parentId), fh('DisplayName', entry.displayName), fh('Type', entry.type)];
      if (!old) adds.push(fh('Add', add()));
      else if (old.parentId !== entry.parentId || old.displayName !== entry.displayName || old.type !== entry.type) updates.push(fh('Update', add()));
    }
    for (const id of before.keys()) if (!current.has(id)) deletes.push(fh('Delete', fh('ServerId', id)));

    const next = key === '0' || !held ? 1 : held.key + 1;
    req.device.hierarchy = { key: next, folders: current };
    // A FolderSync from 0 starts the device over: its collections' sync states go with it.
    if (key === '0') req.device.collections.clear();
    const count = updates.length + deletes.length + adds.length;
    return reply(fh('FolderSync', fh('Status', FOLDERSYNC_STATUS.success), fh('SyncKey', next), fh('Changes', fh('Count', count), updates, deletes, adds)));
  },
};
