// MAPI/HTTP (`/mapi/emsmdb`, `/mapi/nspi`, MS-OXCMAPIHTTP): request checks in the order the
// transport defines them, then the answer of each request type (see the table in replies.ts),
// framed with the PROCESSING / DONE meta-tags and the final headers block.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Decision } from '../../../core/auth/attempt.js';
import { decisionOf } from '../auth/gate.js';
import { EXCHANGE_BUILD } from '../auth/headers.js';
import type { HttpContext } from '../context.js';
import { escapeHtml } from '../html.js';
import { baseUrl, legacyDn, LEGACY_DN_ORG, mailboxId } from '../urls.js';
import { bindSuccess, connectSuccess, emptySuccess, notificationWaitSuccess, notSupported, parseBind, parseConnect, urlSuccess } from './mapi-bodies.js';
import {
  connectivityPage,
  EMSMDB_TYPES,
  MAPI_CONTENT_TYPE,
  MAPI_REQUEST_TYPES,
  NSPI_TYPES,
  RESPONSE_CODES,
  responseCodePage,
  SESSION,
  SESSIONLESS_TYPES,
  type ResponseCode,
} from './replies.js';

export type MapiEndpoint = 'emsmdb' | 'nspi';

const TYPES: Record<MapiEndpoint, ReadonlyMap<string, string>> = {
  emsmdb: new Map(EMSMDB_TYPES.map((t) => [t.toLowerCase(), t])),
  nspi: new Map(NSPI_TYPES.map((t) => [t.toLowerCase(), t])),
};

/** Client headers every MAPI/HTTP answer echoes, the 401 of reference §5.1 included. */
const ECHOED = ['X-RequestType', 'X-RequestId', 'X-ClientInfo'] as const;
/** Opaque client strings: echoed only when they are short printable ASCII. */
const ECHOABLE = /^[\x20-\x7e]{1,256}$/;

export function echoMapiHeaders(req: Request, res: Response, next: NextFunction): void {
  for (const name of ECHOED) {
    const value = req.get(name);
    if (value && ECHOABLE.test(value)) res.setHeader(name, value);
  }
  next();
}

interface Answer {
  body: Buffer;
  cookies?: 'open' | 'close';
}

export function mapiHandler(ctx: HttpContext, endpoint: MapiEndpoint) {
  const vdir = `/mapi/${endpoint}/`;
  return (req: Request, res: Response): void => {
    const decision = decisionOf(res);
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.status(200).type('text/html').send(page(ctx, res, decision, vdir));
      return;
    }
    if (req.method !== 'POST') return fail(res, RESPONSE_CODES.invalidVerb);
    const requested = req.get('x-requesttype');
    if (!requested || !req.get('x-requestid') || !req.get('x-clientinfo')) return fail(res, RESPONSE_CODES.missingHeader);
    const contentType = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!MAPI_REQUEST_TYPES.has(contentType)) return fail(res, RESPONSE_CODES.invalidHeader);
    const type = TYPES[endpoint].get(requested.toLowerCase());
    if (!type) return fail(res, RESPONSE_CODES.invalidRequestType);
    if (!SESSIONLESS_TYPES.has(type) && !/(?:^|;\s*)MapiContext=[^;\s]/.test(req.get('cookie') ?? '')) return fail(res, RESPONSE_CODES.missingCookie);

    const started = performance.now();
    const startedAt = ctx.clock.date();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const answer = answerFor(type, body, decision, req);
    if (!answer) return fail(res, RESPONSE_CODES.invalidRequestBody);
    if (answer.cookies) res.setHeader('Set-Cookie', sessionCookies(vdir, answer.cookies));
    res.status(200);
    res.setHeader('Content-Type', MAPI_CONTENT_TYPE);
    res.setHeader('X-ResponseCode', '0');
    res.setHeader('X-PendingPeriod', String(SESSION.pendingPeriodMs));
    res.setHeader('X-ExpirationInfo', String(SESSION.expirationMs));
    const elapsed = Math.max(0, Math.round(performance.now() - started));
    const head = `PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: ${elapsed}\r\nX-StartTime: ${startedAt.toUTCString()}\r\n\r\n`;
    res.end(Buffer.concat([Buffer.from(head, 'latin1'), type === 'PING' ? Buffer.alloc(0) : answer.body]));
  };
}

function answerFor(type: string, body: Buffer, decision: Decision, req: Request): Answer | null {
  const mailbox = decision.mailbox ?? decision.user;
  switch (type) {
    case 'Connect':
      if (!parseConnect(body)) return null;
      return { body: connectSuccess(LEGACY_DN_ORG, mailbox?.displayName ?? ''), cookies: 'open' };
    case 'Bind':
      if (!parseBind(body)) return null;
      return { body: bindSuccess(decision.tenant!.id), cookies: 'open' };
    case 'Disconnect':
    case 'Unbind':
      return { body: emptySuccess(), cookies: 'close' };
    case 'NotificationWait':
      return { body: notificationWaitSuccess() };
    case 'GetMailboxUrl':
    case 'GetAddressBookUrl': {
      if (!mailbox) return { body: notSupported() };
      const endpoint = type === 'GetMailboxUrl' ? 'emsmdb' : 'nspi';
      return { body: urlSuccess(`${baseUrl(req)}/mapi/${endpoint}/?MailboxId=${encodeURIComponent(mailboxId(mailbox))}`) };
    }
    case 'PING':
      return { body: Buffer.alloc(0) };
    default:
      // Execute and the address-book queries: the request is well formed, the operation is
      // not carried out (the type's failure body, StatusCode ecNotSupported).
      return { body: notSupported() };
  }
}

/** A non-zero X-ResponseCode: HTTP 200, the code in the headers, diagnostic text in the body. */
export function fail(res: Response, code: ResponseCode): void {
  res.status(200);
  res.setHeader('X-ResponseCode', String(code.code));
  res.type('text/html').send(responseCodePage(code));
}

function sessionCookies(path: string, mode: 'open' | 'close'): string[] {
  if (mode === 'close') {
    const gone = `expires=Thu, 01-Jan-1970 00:00:00 GMT; path=${path}; secure; HttpOnly`;
    return [`MapiContext=; ${gone}`, `MapiSequence=; ${gone}`];
  }
  return [`MapiContext=${randomUUID()}; path=${path}; secure; HttpOnly`, `MapiSequence=0-${randomBytes(6).toString('base64url')}; path=${path}; secure; HttpOnly`];
}

function page(ctx: HttpContext, res: Response, decision: Decision, vdir: string): string {
  const user = decision.mailbox ?? decision.user;
  return connectivityPage({
    build: EXCHANGE_BUILD,
    vdir,
    dn: escapeHtml(user ? legacyDn(user) : ''),
    upn: escapeHtml(user?.upn ?? decision.appId ?? ''),
    organization: escapeHtml(decision.tenant?.domains[0] ?? ''),
    frontEnd: escapeHtml(res.locals.frontEnd?.name ?? ''),
    mailbox: escapeHtml(res.locals.frontEnd?.backend ?? ''),
    created: ctx.clock.date(),
  });
}
