// Reporting Web Services (`/ecp/reportingwebservice/reporting.svc`, reference §1, §5.7): an
// OData v2 service behind the sign-in gate (protocol `reporting`, whose Basic authentication
// Microsoft left on for every tenant until 31 Dec 2022: core/eras.ts PERMANENTLY_OFF_PROTOCOLS
// and core/programme/blocks.ts). The service document, $metadata and the reports of ./reports.ts
// with $filter, $select, $orderby, $top, $skip and $format.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Tenant } from '../../../core/tenants/model.js';
import { hasRole } from '../../../core/tenants/model.js';
import { decisionOf, signIn } from '../auth/gate.js';
import type { HttpContext } from '../context.js';
import { baseUrl } from '../urls.js';
import { applyOrder, dateWindow, evaluate, parseOptions, QueryError, type Options } from './query.js';
import { CONTENT_TYPES, DATA_SERVICE_VERSION, ERRORS, MESSAGE_TRACE_DAYS, REPORT_ROLES, SERVICE_PATH, type ODataError } from './replies.js';
import { errorJson, errorXml, feedAtom, feedJson, metadataXml, serviceDocumentJson, serviceDocumentXml } from './render.js';
import { REPORTS, type Report, type Row } from './reports.js';

const DAY_MS = 86_400_000;

export function reportingRoutes(ctx: HttpContext): Router {
  const router = Router();
  router.all(
    `${SERVICE_PATH}{/*rest}`,
    // Reports are the organization's, not a mailbox's: an app-only token names no mailbox.
    signIn(ctx.auth, { protocol: 'reporting', mailboxOptional: true }),
    (req: Request, res: Response, next: NextFunction) => serve(ctx, req, res).catch(next),
  );
  router.use((err: Error, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !req.path.toLowerCase().startsWith(SERVICE_PATH.toLowerCase())) return next(err);
    ctx.log.error({ err, proto: 'reporting' }, 'reporting request failed');
    sendError(res, ERRORS.internal(), wantsJson(req));
  });
  return router;
}

async function serve(ctx: HttpContext, req: Request, res: Response): Promise<void> {
  res.setHeader('DataServiceVersion', DATA_SERVICE_VERSION);
  res.setHeader('Cache-Control', 'no-cache');
  const json = wantsJson(req);
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, ERRORS.readOnly(), json);
  const decision = decisionOf(res);
  if (!mayReadReports(ctx, decision)) return sendError(res, ERRORS.accessDenied(), json);
  const tenant = decision.tenant!;
  const segments = req.path.slice(SERVICE_PATH.length).split('/').filter(Boolean);
  const service = `${baseUrl(req)}${SERVICE_PATH}`;
  const reports = [...REPORTS.values()];
  try {
    if (segments.length === 0) {
      const options = parseOptions(req.query, null, req.get('accept'));
      return options.format === 'json'
        ? send(res, CONTENT_TYPES.json, serviceDocumentJson(reports))
        : send(res, CONTENT_TYPES.xml, serviceDocumentXml(service, reports));
    }
    if (segments.length === 1 && segments[0] === '$metadata') return send(res, CONTENT_TYPES.xml, metadataXml(reports));
    // Entity set names are case-sensitive in OData; the first segment that names nothing is reported.
    const report = REPORTS.get(segments[0].toLowerCase());
    if (!report || report.name !== segments[0]) return sendError(res, ERRORS.notFound(segments[0]), json);
    if (segments.length > 1) return sendError(res, ERRORS.notFound(segments[1]), json);
    const options = parseOptions(req.query, report, req.get('accept'));
    await feed(ctx, req, res, { report, options, tenant, service });
  } catch (error) {
    if (error instanceof QueryError) return sendError(res, error.error, json);
    throw error;
  }
}

async function feed(ctx: HttpContext, req: Request, res: Response, f: { report: Report; options: Options; tenant: Tenant; service: string }): Promise<void> {
  const { report, options } = f;
  const now = ctx.clock.date();
  const window = dateWindow(options.filter);
  const to = window.to ?? now;
  const from = window.from ?? new Date(to.getTime() - MESSAGE_TRACE_DAYS * DAY_MS);
  const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  let rows: Row[] = await report.rows(ctx.mail, f.tenant, { from, to, today });
  if (options.filter) rows = rows.filter((row) => evaluate(options.filter!, row) === true);
  rows = applyOrder(rows, options.orderby);

  // Server-driven paging: at most one page per answer, the rest behind a next link.
  const page = ctx.limits.httpMaxPageItems;
  const wanted = options.top ?? Number.POSITIVE_INFINITY;
  const slice = rows.slice(options.skip, options.skip + Math.min(wanted, page));
  const more = options.skip + slice.length < rows.length && slice.length < wanted;
  const next = more ? nextLink(f.service, report, req, options.skip + slice.length, options.top === null ? null : options.top - slice.length) : null;
  const selected = options.select ?? report.properties.map((p) => p.name);
  if (options.format === 'json') send(res, CONTENT_TYPES.json, feedJson(f.service, report, slice, selected, next));
  else send(res, CONTENT_TYPES.feed, feedAtom(f.service, report, slice, selected, now, next));
}

function nextLink(service: string, report: Report, req: Request, skip: number, top: number | null): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(req.query)) {
    if (key === '$skip' || key === '$top' || typeof value !== 'string') continue;
    query.set(key, value);
  }
  if (top !== null) query.set('$top', String(top));
  query.set('$skip', String(skip));
  return `${service}/${report.name}?${query.toString().replace(/\+/g, '%20')}`;
}

/** Administrators and report readers of the tenant; an app-only token carries Exchange.ManageAsApp already. */
function mayReadReports(ctx: HttpContext, decision: ReturnType<typeof decisionOf>): boolean {
  if (!decision.tenant) return false;
  if (decision.credential === 'app-token') return true;
  return !!decision.user && hasRole(decision.user, ctx.clock.now(), ...REPORT_ROLES);
}

function wantsJson(req: Request): boolean {
  const format = req.query.$format;
  if (typeof format === 'string') return /^json$|^application\/json/i.test(format);
  return /application\/json/i.test(req.get('accept') ?? '');
}


function send(res: Response, contentType: string, body: string): void {
  res.status(200).setHeader('Content-Type', contentType);
  res.end(body);
}

function sendError(res: Response, error: ODataError, json: boolean): void {
  res.status(error.status).setHeader('Content-Type', json ? CONTENT_TYPES.json : CONTENT_TYPES.xml);
  res.end(json ? errorJson(error) : errorXml(error));
}
