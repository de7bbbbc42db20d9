// What the server remembers per (mailbox, device): the provisioned policy key, the folder
// hierarchy a device last saw (FolderSync), and per collection the items it holds and their
// read state (Sync). Kept in memory only, in a bounded map: the least recently used device is
// forgotten first. A forgotten or restarted device state is what Exchange calls a lost sync
// state, and clients recover from it as they would there: 144 → Provision again, FolderSync
// Status 9 and Sync Status 3 → start again from SyncKey 0. Restart resilience is not a goal.
import { randomUUID } from 'node:crypto';

export interface BodyPreference {
  type: number;
  truncationSize?: number;
  allOrNone: boolean;
}

export interface SyncOptions {
  filterType: number;
  bodyPreferences: BodyPreference[];
  mimeSupport: number;
}

export interface CollectionState {
  /** `{guid}n`: the guid changes on every SyncKey 0, so keys of a lost state never match. */
  readonly guid: string;
  counter: number;
  /** uid → read flag, as the device holds it. */
  known: Map<number, boolean>;
  /** The state before the last answer, so a retried request with the previous key is answered again. */
  previous: { counter: number; known: Map<number, boolean> } | null;
  options: SyncOptions;
}

export interface HierarchyEntry {
  parentId: string;
  displayName: string;
  type: number;
}

export interface DeviceState {
  policy: { pending?: string; key?: string };
  hierarchy: { key: number; folders: Map<string, HierarchyEntry> } | null;
  collections: Map<string, CollectionState>;
  /** Folders of the last Ping, reused by a Ping without a body (MS-ASCMD §2.2.1.13). */
  ping: { interval: number; folders: string[] } | null;
  /** Ends the Ping this device has waiting: a device has one Ping at a time, the newest. */
  endPing: (() => void) | null;
  /** Settings DeviceInformation, kept for the record (model, OS, user agent). */
  info: Record<string, string>;
  /** Commands of one device run one at a time; Ping waits outside it. */
  lock: Promise<void>;
}

export const syncKey = (c: Pick<CollectionState, 'guid' | 'counter'>) => `{${c.guid}}${c.counter}`;

export function newCollection(options: SyncOptions): CollectionState {
  return { guid: randomUUID(), counter: 1, known: new Map(), previous: null, options };
}

export class DeviceStates {
  readonly #states = new Map<string, DeviceState>();

  /** `max`: Limits.easMaxDeviceStates (core/config.ts). */
  constructor(readonly max: number) {}

  of(mailboxId: string, deviceId: string): DeviceState {
    const key = `${mailboxId}\u0000${deviceId.toLowerCase()}`;
    let state = this.#states.get(key);
    if (state) {
      this.#states.delete(key); // most recently used last
    } else {
      state = { policy: {}, hierarchy: null, collections: new Map(), ping: null, endPing: null, info: {}, lock: Promise.resolve() };
      if (this.#states.size >= this.max) this.#states.delete(this.#states.keys().next().value!);
    }
    this.#states.set(key, state);
    return state;
  }
}

/** Runs `work` after every earlier command of the same device has finished. */
export function serialized<T>(state: DeviceState, work: () => Promise<T>): Promise<T> {
  const run = state.lock.then(work, work);
  state.lock = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}
