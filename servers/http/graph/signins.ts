// GET /v1.0/auditLogs/signIns (and /beta): the sign-in log as Microsoft Graph lists it
// (reference §9.1, §9.2) — newest first, $filter on the supported subset, $top up to 1,000, and
// server-driven paging through @odata.nextLink with an opaque $skiptoken. A caller sees only its
// own tenant's records. The list handler is shared with the control API's /_exogate/signins,
// which `exogate signins` pages through.
import { Router, type Request, type Response } from 'express';
import { countSignIns, querySignIns, type SignInFilter } from '../../../core/signins/query.js';
import { toGraphSignIn } from '../../../core/signins/record.js';
import type { Role } from '../../../core/tenants/model.js';
import type { Sql } from '../../../core/store/sql.js';
import type { HttpContext } from '../context.js';
import { graphAuth, graphCaller, graphError } from './auth.js';
import { FilterError, parseSignInFilter } from './signins-filter.js';
import { decodeSkipToken, encodeSkipToken } from './signins-page.js';
import { LIST_ERRORS, SIGNINS_CONTEXT, SIGNINS_MAX_TOP } from './signins-replies.js';

/** Directory roles that may read sign-in logs (§9.2: Global Administrator / Reader, Reports Reader, Security Reader). */
export const SIGNIN_READER_ROLES: readonly Role[] = ['GlobalAdministrator', 'GlobalReader', 'ReportsReader', 'SecurityReader'];

/** How far `$count=true` counts (the control API's progress bars need a total, not an exact one beyond it). */
const COUNT_CAP = 100_000_000;

/** A query option by its name, any case (OData's system query options are case-insensitive on Graph). */
function option(req: Request, name: string): string | undefined {
  for (const [key, value] of Object.entries(req.query)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) throw new ListError(LIST_ERRORS.repeated(name));
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

class ListError extends Error {}

export interface ListRequest {
  filterText: string | null;
  filter: SignInFilter | null;
  top: number;
  after: { at: number; id: string } | null;
  count: boolean;
}

/** Reads $top, $filter, $skiptoken (and $count where allowed); throws ListError / FilterError with Graph's text. */
export function readListRequest(req: Request, options: { allowCount?: boolean } = {}): ListRequest {
  const topText = option(req, '$top');
  let top = SIGNINS_MAX_TOP;
  if (topText !== undefined) {
    if (!/^\d{1,9}$/.test(topText.trim())) throw new ListError(LIST_ERRORS.topInvalid(topText));
    top = Number(topText.trim());
    if (top > SIGNINS_MAX_TOP) throw new ListError(LIST_ERRORS.topTooLarge(topText.trim()));
  }
  const skipToken = option(req, '$skiptoken');
  let filterText = option(req, '$filter') ?? null;
  let after = null;
  if (skipToken !== undefined) {
    const state = decodeSkipToken(skipToken);
    if (!state) throw new ListError(LIST_ERRORS.skipToken());
    // The token's filter is the one the first page was asked with; a link is followed as given.
    filterText = state.filter;
    after = state.after;
  }
  const filter = filterText && filterText.trim() ? parseSignInFilter(filterText) : null;
  const count = !!options.allowCount && option(req, '$count')?.toLowerCase() === 'true' && !after;
  return { filterText: filter ? filterText : null, filter, top, after, count };
}

export interface ListTarget {
  sql: Sql;
  tenantId?: string;
  /** The collection's absolute URL, without a query: the base of @odata.nextLink. */
  collectionUrl: string;
  context: string;
  /** Query parameters every nextLink keeps (the control API's tenant). */
  keep?: Record<string, string>;
}

/** Answers one page of the list, or Graph's 400 for a bad query. */
export async function listSignIns(req: Request, res: Response, target: ListTarget, options: { allowCount?: boolean } = {}): Promise<void> {
  let list: ListRequest;
  try {
    list = readListRequest(req, options);
  } catch (error) {
    if (error instanceof ListError || error instanceof FilterError) return graphError(res, 400, 'BadRequest', error.message);
    throw error;
  }
  const query = { tenantId: target.tenantId, filter: list.filter, after: list.after };
  const [page, total] = await Promise.all([querySignIns(target.sql, query, list.top), list.count ? countSignIns(target.sql, query, COUNT_CAP) : Promise.resolve(undefined)]);
  const body: Record<string, unknown> = { '@odata.context': target.context };
  if (total !== undefined) body['@odata.count'] = total;
  if (page.next) {
    const params = new URLSearchParams({ ...target.keep, $top: String(list.top), $skiptoken: encodeSkipToken({ after: page.next, filter: list.filterText }) });
    body['@odata.nextLink'] = `${target.collectionUrl}?${params.toString().replace(/%24/g, '$')}`;
  }
  body.value = page.records.map(toGraphSignIn);
  res.setHeader('content-type', 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8');
  res.send(JSON.stringify(body));
}

/** https://<the host the caller used><path>: nextLinks stay on the host the caller reached. */
export function absoluteUrl(req: Request, path: string): string {
  return `https://${req.get('host') ?? 'graph.microsoft.com'}${path}`;
}

export function signInRoutes(ctx: HttpContext): Router {
  const router = Router({ caseSensitive: false });
  const sql = ctx.sql;
  const auth = graphAuth(ctx, { permissions: ['AuditLog.Read.All'], roles: SIGNIN_READER_ROLES });
  router.get('/auditLogs/signIns', auth, async (req, res, next) => {
    try {
      const version = /^\/beta/i.test(req.baseUrl) ? 'beta' : 'v1.0';
      const caller = graphCaller(res);
      await listSignIns(req, res, { sql, tenantId: caller.tenant.id, collectionUrl: absoluteUrl(req, `/${version}/auditLogs/signIns`), context: SIGNINS_CONTEXT[version] });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
