// Ping (MS-ASCMD §2.2.1.13): the device names folders it has synced and a heartbeat; the answer
// is Status 2 with the folders that changed as soon as one does, or Status 1 when the heartbeat
// passes quietly. Changes are found as Sync finds them (./collection.ts), so a Ping reports
// exactly what the next Sync will send. The wait listens to the mail store's change events and
// ends when the client goes away.
import type { FolderChange } from '../../../../core/mail/store.js';
import { hierarchy, type EasFolder } from '../folders.js';
import { PING_STATUS } from '../replies.js';
import type { CollectionState } from '../state.js';
import { all, childText, first, ns } from '../wbxml/tree.js';
import { serverChanges } from './collection.js';
import { int, reply, type CommandSpec, type EasRequest } from './spec.js';

const ping = ns('Ping');

/** Heartbeat bounds, seconds (Exchange's defaults: 60 to 3540). */
export const MIN_HEARTBEAT = 60;
export const MAX_HEARTBEAT = 3540;
/** Folders one Ping may watch (Exchange's default MaxFolders). */
export const MAX_PING_FOLDERS = 300;

export const pingCommand: CommandSpec = {
  name: 'Ping',
  long: true,
  root: ['Ping', 'Ping'],
  async handle(req) {
    const doc = req.doc;
    if (doc && (doc.ns !== 'Ping' || doc.tag !== 'Ping')) return reply(ping('Ping', ping('Status', PING_STATUS.protocolError)));
    const asked = all(first(doc ?? undefined, 'Folders'), 'Folder').map((f) => childText(f, 'Id') ?? '');
    const interval = int(childText(doc ?? undefined, 'HeartbeatInterval')) ?? req.device.ping?.interval;
    const ids = asked.length ? asked : req.device.ping?.folders ?? [];
    if (!ids.length || interval === undefined) return reply(ping('Ping', ping('Status', PING_STATUS.missingParameters)));
    if (interval < MIN_HEARTBEAT || interval > MAX_HEARTBEAT) {
      return reply(ping('Ping', ping('Status', PING_STATUS.badInterval), ping('HeartbeatInterval', interval < MIN_HEARTBEAT ? MIN_HEARTBEAT : MAX_HEARTBEAT)));
    }
    if (ids.length > MAX_PING_FOLDERS) return reply(ping('Ping', ping('Status', PING_STATUS.tooManyFolders), ping('MaxFolders', MAX_PING_FOLDERS)));
    req.device.ping = { interval, folders: ids };

    const folders = await hierarchy(req.ctx.mail, req.mailbox.id);
    const watched: { folder: EasFolder; state: CollectionState }[] = [];
    for (const id of ids) {
      const folder = folders.get(id);
      const state = req.device.collections.get(id);
      // A folder gone, or never synced: the device must sync the hierarchy or the folder first.
      if (!folder || !state) return reply(ping('Ping', ping('Status', PING_STATUS.resync)));
      watched.push({ folder, state });
    }
    const changed = await changedFolders(req, watched);
    if (changed.length) return reply(ping('Ping', ping('Status', PING_STATUS.changes), ping('Folders', changed.map((id) => ping('Folder', id)))));
    const result = await waitForChange(req, watched, interval * 1000);
    if (!result.length) return reply(ping('Ping', ping('Status', PING_STATUS.expired)));
    return reply(ping('Ping', ping('Status', PING_STATUS.changes), ping('Folders', result.map((id) => ping('Folder', id)))));
  },
};

async function changedFolders(req: EasRequest, watched: readonly { folder: EasFolder; state: CollectionState }[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of watched) if ((await serverChanges(req.ctx, w.folder, w.state)).length) out.push(w.folder.serverId);
  return out;
}

function waitForChange(req: EasRequest, watched: readonly { folder: EasFolder; state: CollectionState }[], ms: number): Promise<string[]> {
  const byStoreId = new Map(watched.filter((w) => w.folder.store).map((w) => [w.folder.store!.id, w]));
  req.device.endPing?.();
  return new Promise((resolve) => {
    let done = false;
    const finish = (ids: string[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stop();
      req.signal.removeEventListener('abort', onAbort);
      if (req.device.endPing === onAbort) req.device.endPing = null;
      resolve(ids);
    };
    const stop = req.watchers.watch([...byStoreId.keys()], (change: FolderChange) => {
      const w = byStoreId.get(change.folderId);
      if (!w) return;
      // Recheck against the device's state: a change the device made itself is no news to it.
      serverChanges(req.ctx, w.folder, w.state).then(
        (changes) => {
          if (changes.length) finish([w.folder.serverId]);
        },
        () => finish([]),
      );
    });
    const onAbort = () => finish([]);
    const timer = setTimeout(onAbort, ms);
    timer.unref();
    req.device.endPing = onAbort;
    req.signal.addEventListener('abort', onAbort);
    if (req.signal.aborted) onAbort();
  });
}
