// Sync (MS-ASCMD §2.2.1.21) for mail collections: SyncKey 0 starts a collection with no items;
// each later Sync applies the client's Change (read flag), Delete and Fetch commands to the
// store, then sends the server's changes since the last Sync — Add with the message, Change
// for the read flag, Delete — at most WindowSize of them, with MoreAvailable when more wait.
// A request carrying the previous key (the client never saw the answer) is answered again.
import { EMPTY_FOLDER_CLASSES } from './empty-classes.js';
import { emailApplicationData, isRead } from '../email.js';
import { hierarchy, itemServerId, parseItemServerId, type EasFolder } from '../folders.js';
import { SYNC_STATUS } from '../replies.js';
import { newCollection, syncKey, type BodyPreference, type CollectionState, type SyncOptions } from '../state.js';
import type { WbxmlElement } from '../wbxml/codec.js';
import { all, childText, first, ns } from '../wbxml/tree.js';
import { serverChanges } from './collection.js';
import { int, reply, type CommandSpec, type EasRequest } from './spec.js';

const as = ns('AirSync');

/** WindowSize when the client names none, and the most it may ask for (MS-ASCMD §2.2.3.199). */
export const DEFAULT_WINDOW = 100;
export const MAX_WINDOW = 512;

export const sync: CommandSpec = {
  name: 'Sync',
  root: ['AirSync', 'Sync'],
  async handle(req) {
    const doc = req.doc;
    // An empty Sync asks to repeat the last one; none is cached here (MS-ASCMD Status 13).
    if (!doc) return reply(as('Sync', as('Status', SYNC_STATUS.incomplete)));
    if (doc.ns !== 'AirSync' || doc.tag !== 'Sync') return reply(as('Sync', as('Status', SYNC_STATUS.protocolError)));
    const requested = all(first(doc, 'Collections'), 'Collection');
    if (!requested.length) return reply(as('Sync', as('Status', SYNC_STATUS.protocolError)));
    const folders = await hierarchy(req.ctx.mail, req.mailbox.id);
    const topWindow = int(childText(doc, 'WindowSize'));
    const answers: WbxmlElement[] = [];
    for (const c of requested) answers.push(await syncCollection(req, c, folders, topWindow));
    return reply(as('Sync', as('Collections', answers)));
  },
};

async function syncCollection(req: EasRequest, c: WbxmlElement, folders: Map<string, EasFolder>, topWindow: number | undefined): Promise<WbxmlElement> {
  const key = childText(c, 'SyncKey');
  const id = childText(c, 'CollectionId');
  const status = (code: number, k = key ?? '0') => as('Collection', as('SyncKey', k), as('CollectionId', id ?? ''), as('Status', code));
  if (key === undefined || !id) return status(SYNC_STATUS.protocolError);
  const folder = folders.get(id);
  if (!folder) return status(SYNC_STATUS.notFound);
  const device = req.device;

  if (key === '0') {
    const state = newCollection(readOptions(c, defaultOptions()));
    device.collections.set(id, state);
    return as('Collection', as('SyncKey', syncKey(state)), as('CollectionId', id), as('Status', SYNC_STATUS.success));
  }
  const state = device.collections.get(id);
  if (!state) return status(SYNC_STATUS.invalidSyncKey, '0');
  if (key !== syncKey(state)) {
    const previous = state.previous;
    if (!previous || key !== syncKey({ guid: state.guid, counter: previous.counter })) return status(SYNC_STATUS.invalidSyncKey, '0');
    state.counter = previous.counter;
    state.known = new Map(previous.known);
  }
  state.options = readOptions(c, state.options);
  const snapshot = { counter: state.counter, known: new Map(state.known) };

  const responses = folder.store ? await applyClientCommands(req, c, folder, state) : [];
  const getChanges = childText(c, 'GetChanges') !== '0';
  const window = Math.min(clampWindow(int(childText(c, 'WindowSize')) ?? topWindow), req.ctx.limits.httpMaxPageItems);
  const commands: WbxmlElement[] = [];
  let more = false;
  if (getChanges) {
    const changes = await serverChanges(req.ctx, folder, state);
    more = changes.length > window;
    const chosen = changes.slice(0, window);
    const adds = chosen.filter((ch) => ch.kind === 'add').map((ch) => ch.meta.uid);
    const contents = adds.length && folder.store ? await req.ctx.mail.contents(folder.store.id, adds) : new Map();
    for (const ch of chosen) {
      if (ch.kind === 'delete') {
        commands.push(as('Delete', as('ServerId', itemServerId(id, ch.uid))));
        state.known.delete(ch.uid);
      } else if (ch.kind === 'change') {
        commands.push(as('Change', as('ServerId', itemServerId(id, ch.meta.uid)), as('ApplicationData', ns('Email')('Read', isRead(ch.meta.flags) ? 1 : 0))));
        state.known.set(ch.meta.uid, isRead(ch.meta.flags));
      } else {
        const content = contents.get(ch.meta.uid);
        if (!content) continue; // expunged between the index and the read: the next Sync sees it gone
        const item = { uid: ch.meta.uid, flags: ch.meta.flags, internalDate: ch.meta.internalDate, body: content.body, structure: content.structure };
        commands.push(as('Add', as('ServerId', itemServerId(id, ch.meta.uid)), emailApplicationData(item, state.options.bodyPreferences, req.version)));
        state.known.set(ch.meta.uid, isRead(ch.meta.flags));
      }
    }
  }
  state.previous = snapshot;
  state.counter++;
  return as(
    'Collection',
    as('SyncKey', syncKey(state)),
    as('CollectionId', id),
    as('Status', SYNC_STATUS.success),
    more && as('MoreAvailable'),
    commands.length > 0 && as('Commands', commands),
    responses.length > 0 && as('Responses', responses),
  );
}

/** The client's Change / Delete / Add / Fetch; answers only for what failed or was fetched, as Exchange does. */
async function applyClientCommands(req: EasRequest, c: WbxmlElement, folder: EasFolder, state: CollectionState): Promise<WbxmlElement[]> {
  const commands = first(c, 'Commands');
  if (!commands || !folder.store) return [];
  const { mail } = req.ctx;
  const store = folder.store;
  const id = folder.serverId;
  const deletesAsMoves = childText(c, 'DeletesAsMoves') !== '0';
  const present = new Set((await mail.index(store.id)).map((m) => m.uid));
  const out: WbxmlElement[] = [];
  for (const command of commands.children) {
    if (typeof command !== 'object' || command instanceof Uint8Array || command.ns !== 'AirSync') continue;
    const serverId = childText(command, 'ServerId');
    const uid = parseItemServerId(serverId, id);
    const missing = uid === null || !present.has(uid);
    if (command.tag === 'Change') {
      if (missing) {
        out.push(as('Change', as('ServerId', serverId ?? ''), as('Status', SYNC_STATUS.notFound)));
        continue;
      }
      const read = childText(first(command, 'ApplicationData'), 'Read', 'Email');
      if (read === '1' || read === '0') {
        await mail.setFlags(store.id, [uid], read === '1' ? 'add' : 'remove', ['\\Seen']);
        state.known.set(uid, read === '1');
      }
    } else if (command.tag === 'Delete') {
      if (missing) {
        out.push(as('Delete', as('ServerId', serverId ?? ''), as('Status', SYNC_STATUS.notFound)));
        continue;
      }
      if (deletesAsMoves && store.name !== 'Deleted Items') {
        const trash = await mail.folder(req.mailbox.id, 'Deleted Items');
        if (trash) await mail.copy(store.id, [uid], trash.id);
      }
      await mail.expunge(store.id, { uids: [uid], onlyDeleted: false });
      present.delete(uid);
      state.known.delete(uid);
    } else if (command.tag === 'Add') {
      // Creating mail items from the device (drafts, 16.0) is not offered: a conversion error, as for an unsupported class.
      out.push(as('Add', as('ClientId', childText(command, 'ClientId') ?? ''), as('Status', SYNC_STATUS.conversionError)));
    } else if (command.tag === 'Fetch') {
      if (missing) {
        out.push(as('Fetch', as('ServerId', serverId ?? ''), as('Status', SYNC_STATUS.notFound)));
        continue;
      }
      const content = (await mail.contents(store.id, [uid])).get(uid);
      const meta = (await mail.index(store.id)).find((m) => m.uid === uid);
      if (!content || !meta) {
        out.push(as('Fetch', as('ServerId', serverId ?? ''), as('Status', SYNC_STATUS.notFound)));
        continue;
      }
      const item = { uid, flags: meta.flags, internalDate: meta.internalDate, body: content.body, structure: content.structure };
      out.push(as('Fetch', as('ServerId', serverId ?? ''), as('Status', SYNC_STATUS.success), emailApplicationData(item, state.options.bodyPreferences, req.version)));
    }
  }
  return out;
}

function defaultOptions(): SyncOptions {
  return { filterType: 0, bodyPreferences: [], mimeSupport: 0 };
}

/** Options persist: a Sync without them keeps the last ones (MS-ASCMD §2.2.3.125.6). */
function readOptions(c: WbxmlElement, current: SyncOptions): SyncOptions {
  const options = all(c, 'Options').find((o) => {
    const cls = childText(o, 'Class');
    return !cls || cls === 'Email' || EMPTY_FOLDER_CLASSES.has(cls);
  });
  if (!options) return current;
  const preferences: BodyPreference[] = all(options, 'BodyPreference', 'AirSyncBase').map((p) => ({
    type: int(childText(p, 'Type', 'AirSyncBase')) ?? 1,
    truncationSize: int(childText(p, 'TruncationSize', 'AirSyncBase')),
    allOrNone: childText(p, 'AllOrNone', 'AirSyncBase') === '1',
  }));
  return {
    filterType: int(childText(options, 'FilterType')) ?? 0,
    bodyPreferences: preferences,
    mimeSupport: int(childText(options, 'MIMESupport')) ?? 0,
  };
}

function clampWindow(value: number | undefined): number {
  if (value === undefined) return DEFAULT_WINDOW;
  return value <= 0 || value > MAX_WINDOW ? MAX_WINDOW : value;
}
