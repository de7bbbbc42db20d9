// What changed in a collection since the device last synced it: the store's folder index
// compared with the items the device holds (CollectionState.known). Sync sends these changes,
// GetItemEstimate counts them, Ping waits for there to be some.
import type { MessageMeta } from '../../../../core/mail/store.js';
import type { HttpContext } from '../../context.js';
import { isRead } from '../email.js';
import type { EasFolder } from '../folders.js';
import type { CollectionState } from '../state.js';

export type ServerChange = { kind: 'add'; meta: MessageMeta } | { kind: 'change'; meta: MessageMeta } | { kind: 'delete'; uid: number };

/** FilterType (MS-ASCMD §2.2.3.68.2): 0 all, then 1 day, 3 days, 1 week, 2 weeks, 1 month. */
const FILTER_DAYS: Readonly<Record<number, number>> = { 1: 1, 2: 3, 3: 7, 4: 14, 5: 31 };

export async function serverChanges(ctx: HttpContext, folder: EasFolder, state: CollectionState): Promise<ServerChange[]> {
  if (!folder.store) return [];
  const index = await ctx.mail.index(folder.store.id);
  const days = FILTER_DAYS[state.options.filterType];
  const cutoff = days ? ctx.clock.now() - days * 86_400_000 : -Infinity;
  const present = new Set<number>();
  const changes: ServerChange[] = [];
  for (const meta of index) present.add(meta.uid);
  for (const uid of state.known.keys()) if (!present.has(uid)) changes.push({ kind: 'delete', uid });
  for (const meta of index) {
    const read = state.known.get(meta.uid);
    if (read !== undefined && read !== isRead(meta.flags)) changes.push({ kind: 'change', meta });
  }
  // Newest first: a phone shows recent mail before the window is done.
  for (let i = index.length - 1; i >= 0; i--) {
    const meta = index[i];
    if (!state.known.has(meta.uid) && meta.internalDate.getTime() >= cutoff) changes.push({ kind: 'add', meta });
  }
  return changes;
}
