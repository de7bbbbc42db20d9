// Autodiscover v2 (reference §5.5): unauthenticated JSON that names one protocol's URL for an
// address. Known mailboxes get exogate's own URL; anything else is redirected, as Exchange
// Online redirects addresses it does not host, to the query-string form of the endpoint.
import type { Request, Response } from 'express';
import type { HttpContext } from '../context.js';
import { baseUrl, queryParam as param } from '../urls.js';
import { mailboxFor } from './mailbox.js';
import {
  dotnetJson,
  JSON_CONTENT_TYPE,
  MAX_REDIRECT_COUNT,
  objectMovedPage,
  V2_ERRORS,
  V2_PROTOCOLS,
  type V2Error,
} from './replies.js';

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.end(dotnetJson(body));
}

function sendError(res: Response, error: V2Error): void {
  sendJson(res, error.status, { ErrorCode: error.ErrorCode, ErrorMessage: error.ErrorMessage });
}

/** `/autodiscover/autodiscover.json/v1.0/{email}?Protocol=..`: the first hop, RedirectCount 0. */
export function v2ByPath(ctx: HttpContext) {
  return (req: Request<{ email: string }>, res: Response) => answer(ctx, req, res, req.params.email, 0);
}

/** `/autodiscover/autodiscover.json?Email=..&Protocol=..&RedirectCount=n`: the redirect target. */
export function v2ByQuery(ctx: HttpContext) {
  return (req: Request, res: Response) => {
    const count = Number.parseInt(param(req, 'RedirectCount') ?? '0', 10);
    answer(ctx, req, res, param(req, 'Email'), Number.isFinite(count) && count > 0 ? count : 0);
  };
}

function answer(ctx: HttpContext, req: Request, res: Response, email: string | undefined, redirectCount: number): void {
  const protocol = param(req, 'Protocol') ?? '';
  const path = V2_PROTOCOLS.get(protocol.toLowerCase());
  if (path === undefined) return sendError(res, V2_ERRORS.invalidProtocol(protocol));
  if (redirectCount > MAX_REDIRECT_COUNT) return sendError(res, V2_ERRORS.redirectCountExceeded(redirectCount));
  if (!email) return sendError(res, V2_ERRORS.invalidEmail(''));

  const base = baseUrl(req);
  const user = mailboxFor(ctx.directory, email);
  if (!user) {
    // Exchange Online's answer for an address it does not host (§5.5): a 302 to the query form.
    // (choice) The protocol asked for is kept; the reference's capture asked for Autodiscoverv1.
    const query = new URLSearchParams({ Email: email, Protocol: protocol, RedirectCount: String(redirectCount + 1) });
    const location = `${base}/autodiscover/autodiscover.json?${query.toString().replace(/\+/g, '%20')}`;
    res.status(302).setHeader('Location', location);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(objectMovedPage(location));
    return;
  }
  // (choice) The Protocol value is echoed as given: the reference's capture asked for
  // `Autodiscoverv1` and got `"Protocol":"Autodiscoverv1"` back.
  const body: Record<string, string> = { Protocol: protocol, Url: `${base}${path}` };
  if (/^true$/i.test(param(req, 'ServerLocation') ?? '')) body.ServerLocation = serverLocation(res);
  sendJson(res, 200, body);
}

/**
 * UNCONFIRMED: the reference says only that `ServerLocation=true` "returns a location". exogate
 * adds the region of the front end that answered (NAM, EUR, APC, ...), read from its name.
 */
function serverLocation(res: Response): string {
  const fqdn: string = res.locals.frontEnd?.fqdn ?? '';
  const geo = /^[^.]+\.([a-z]+)prd\d+\./.exec(fqdn);
  return geo ? geo[1].toUpperCase() : 'NAM';
}
