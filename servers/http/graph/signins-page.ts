// Graph's server-driven paging for signIns (reference §9.2): `@odata.nextLink` is the same
// collection's absolute URL with `$top` and an opaque `$skiptoken`. The token carries where the
// last page ended (keyset: its record's time and id) and the $filter, so following nextLink
// needs nothing but the link, as Graph SDKs' page iterators expect.
import type { Cursor } from '../../../core/signins/query.js';
import { FILTER_MAX_CHARS } from './signins-filter.js';

export interface PageState {
  after: Cursor;
  filter: string | null;
}

const VERSION = 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeSkipToken(state: PageState): string {
  return Buffer.from(JSON.stringify([VERSION, state.after.at, state.after.id, state.filter])).toString('base64url');
}

/** The page state in a $skiptoken, or null when it is not one this gateway issued. */
export function decodeSkipToken(token: string): PageState | null {
  if (token.length > FILTER_MAX_CHARS * 2 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 4) return null;
    const [version, at, id, filter] = value as unknown[];
    if (version !== VERSION || typeof at !== 'number' || !Number.isFinite(at) || typeof id !== 'string' || !UUID.test(id)) return null;
    if (filter !== null && typeof filter !== 'string') return null;
    return { after: { at, id }, filter };
  } catch {
    return null;
  }
}
