// Microsoft Graph's service communications (reference §9.4): the Message Center posts
// (`/admin/serviceAnnouncement/messages`, serviceUpdateMessage) and Service Health issues
// (`/admin/serviceAnnouncement/issues`, serviceHealthIssue) the programme posts to a tenant.
//
// Choices (recorded for the issue):
// - Permissions: ServiceMessage.Read.All for messages, ServiceHealth.Read.All for issues
//   (UNCONFIRMED in the reference). Delegated callers also need a role that reads the Message
//   Center here: Global Administrator, Global Reader or Exchange Administrator.
// - A caller sees its own tenant's posts only; another tenant's id answers 404 as an unknown one.
// - Newest first (startDateTime); $top 1..1000 (default 100), $skiptoken paging with an
//   @odata.nextLink on this gateway; $filter: see odata-filter.ts. viewPoint is null for
//   app-only callers (reference) and unread/unarchived for users (read state is not kept).
import { Router, type Request, type Response } from 'express';
import type { HttpContext } from '../context.js';
import type { MessageCenterPost, ServiceHealthIssue } from '../../../core/programme/notices.js';
import type { Role } from '../../../core/tenants/model.js';
import { graphAuth, graphCaller, graphError } from './auth.js';
import { compileFilter, FilterError, type Row } from './odata-filter.js';

const READER_ROLES: readonly Role[] = ['GlobalAdministrator', 'GlobalReader', 'ExchangeAdministrator'];
const DEFAULT_TOP = 100;
const CONTEXT_BASE = 'https://graph.microsoft.com';

/** Graph's date-times: UTC, seconds, a Z. */
const graphTime = (t: number | null) => (t === null ? null : `${new Date(t).toISOString().slice(0, 19)}Z`);

function renderMessage(m: MessageCenterPost, appOnly: boolean): Row {
  return {
    startDateTime: graphTime(m.startAt),
    endDateTime: graphTime(m.endAt),
    lastModifiedDateTime: graphTime(m.lastModifiedAt),
    title: m.title,
    id: m.id,
    category: m.category,
    severity: m.severity,
    tags: m.tags,
    isMajorChange: m.isMajorChange,
    actionRequiredByDateTime: graphTime(m.actionRequiredBy),
    services: m.services,
    hasAttachments: false,
    viewPoint: appOnly ? null : { isRead: false, isArchived: false, isFavorited: false },
    details: m.details,
    body: { contentType: 'html', content: m.body },
  };
}

function renderIssue(i: ServiceHealthIssue): Row {
  return {
    startDateTime: graphTime(i.startAt),
    endDateTime: graphTime(i.endAt),
    lastModifiedDateTime: graphTime(i.lastModifiedAt),
    title: i.title,
    id: i.id,
    impactDescription: i.impactDescription,
    classification: i.classification,
    origin: i.origin,
    status: i.status,
    service: i.service,
    feature: i.feature,
    featureGroup: i.featureGroup,
    isResolved: i.isResolved,
    highImpact: null,
    details: i.details,
    posts: i.posts.map((p) => ({ createdDateTime: graphTime(p.createdAt), postType: p.postType, description: { contentType: 'html', content: p.description } })),
  };
}

/** The properties $filter may name. */
const MESSAGE_PROPERTIES: ReadonlySet<string> = new Set([
  'startDateTime', 'endDateTime', 'lastModifiedDateTime', 'title', 'id', 'category', 'severity', 'tags', 'isMajorChange', 'actionRequiredByDateTime', 'services', 'hasAttachments',
]);
const ISSUE_PROPERTIES: ReadonlySet<string> = new Set([
  'startDateTime', 'endDateTime', 'lastModifiedDateTime', 'title', 'id', 'impactDescription', 'classification', 'origin', 'status', 'service', 'feature', 'featureGroup', 'isResolved',
]);

function contextUrl(req: Request, entitySet: string, single = false): string {
  return `${CONTEXT_BASE}${req.baseUrl}/$metadata#admin/serviceAnnouncement/${entitySet}${single ? '/$entity' : ''}`;
}

/** $filter, $top and $skiptoken over a list already in memory (a tenant's posts are few). */
function page(ctx: HttpContext, req: Request, res: Response, rows: Row[], entitySet: string, properties: ReadonlySet<string>): void {
  const q = req.query as Record<string, unknown>;
  const filterText = typeof q.$filter === 'string' ? q.$filter : undefined;
  const topText = typeof q.$top === 'string' ? q.$top : undefined;
  const skipText = typeof q.$skiptoken === 'string' ? q.$skiptoken : undefined;
  const max = ctx.limits.httpMaxPageItems;
  if (topText !== undefined && !(/^\d+$/.test(topText) && Number(topText) >= 1 && Number(topText) <= max)) {
    return graphError(res, 400, 'BadRequest', `Invalid value '${topText.slice(0, 50)}' for query option $top: it must be between 1 and ${max}.`);
  }
  if (skipText !== undefined && !/^\d{1,9}$/.test(skipText)) return graphError(res, 400, 'BadRequest', 'Invalid $skiptoken.');
  let filtered = rows;
  if (filterText !== undefined) {
    try {
      filtered = rows.filter(compileFilter(filterText, properties));
    } catch (error) {
      if (error instanceof FilterError) return graphError(res, 400, 'BadRequest', error.message);
      throw error;
    }
  }
  const top = topText === undefined ? DEFAULT_TOP : Number(topText);
  const skip = skipText === undefined ? 0 : Number(skipText);
  const value = filtered.slice(skip, skip + top);
  const body: Row = { '@odata.context': contextUrl(req, entitySet) };
  if (skip + top < filtered.length) {
    const next = new URLSearchParams();
    if (filterText !== undefined) next.set('$filter', filterText);
    next.set('$top', String(top));
    next.set('$skiptoken', String(skip + top));
    body['@odata.nextLink'] = `https://${req.get('host')}${req.baseUrl}/admin/serviceAnnouncement/${entitySet}?${next}`;
  }
  body.value = value;
  res.json(body);
}

export function serviceAnnouncementRoutes(ctx: HttpContext): Router {
  const router = Router({ caseSensitive: false });
  const programme = ctx.programme;
  const messagesAuth = graphAuth(ctx, { permissions: ['ServiceMessage.Read.All'], roles: READER_ROLES });
  const issuesAuth = graphAuth(ctx, { permissions: ['ServiceHealth.Read.All'], roles: READER_ROLES });
  const notices = programme.notices;

  router.get('/admin/serviceAnnouncement/messages', messagesAuth, async (req, res) => {
    const caller = graphCaller(res);
    const rows = (await notices.messages(caller.tenant.id, ctx.clock.now())).map((m) => renderMessage(m, !caller.user));
    page(ctx, req, res, rows, 'messages', MESSAGE_PROPERTIES);
  });

  router.get('/admin/serviceAnnouncement/messages/:id', messagesAuth, async (req, res) => {
    const caller = graphCaller(res);
    const id = String(req.params.id);
    const message = await notices.message(caller.tenant.id, id, ctx.clock.now());
    if (!message) return graphError(res, 404, 'NotFound', `The message '${id.slice(0, 64)}' was not found.`);
    res.json({ '@odata.context': contextUrl(req, 'messages', true), ...renderMessage(message, !caller.user) });
  });

  router.get('/admin/serviceAnnouncement/issues', issuesAuth, async (req, res) => {
    const caller = graphCaller(res);
    const rows = (await notices.issues(caller.tenant.id, ctx.clock.now())).map(renderIssue);
    page(ctx, req, res, rows, 'issues', ISSUE_PROPERTIES);
  });

  router.get('/admin/serviceAnnouncement/issues/:id', issuesAuth, async (req, res) => {
    const caller = graphCaller(res);
    const id = String(req.params.id);
    const issue = await notices.issue(caller.tenant.id, id, ctx.clock.now());
    if (!issue) return graphError(res, 404, 'NotFound', `The issue '${id.slice(0, 64)}' was not found.`);
    res.json({ '@odata.context': contextUrl(req, 'issues', true), ...renderIssue(issue) });
  });

  return router;
}
