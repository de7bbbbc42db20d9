// Exchange Web Services at /EWS/Exchange.asmx: the sign-in gate first (every refusal is the
// shared HTTP reply table's), then the HTTP checks (method, content type, body size), then the
// SOAP request: envelope, impersonation, one operation. Item-level errors travel inside a 200;
// request-level ones are SOAP faults with HTTP 500; nothing else ever reaches the wire, least
// of all a stack trace.
import { Router, type Request, type Response } from 'express';
import type { FrontEnd } from '../../../core/frontends.js';
import { decisionOf, renderRefusal, signIn } from '../auth/gate.js';
import { refusalFor } from '../auth/replies.js';
import type { HttpContext } from '../context.js';
import { actingMailbox, GateRefusal } from './mailbox.js';
import { OPERATIONS } from './operations/index.js';
import { EWS_ERRORS, HTTP_TEXTS } from './replies.js';
import { EwsSession } from './session.js';
import { contentTypeOf, EwsFault, parseSoapRequest, renderFault, renderResponse, type SoapVersion } from './soap.js';

export const EWS_PATH = '/EWS/Exchange.asmx';

const SOAP_MEDIA_TYPES: Readonly<Record<string, SoapVersion>> = { 'text/xml': '1.1', 'application/soap+xml': '1.2' };
const CHARSETS = new Set(['utf-8', 'utf8', 'utf-16', 'utf-16le', 'utf-16be']);

export function ewsRoutes(ctx: HttpContext): Router {
  const router = Router({ caseSensitive: false });
  // The gate decides who signed in and nothing more: X-AnchorMailbox is routing in EWS, the
  // mailbox comes from the SOAP header (mailbox.ts), so no anchor is handed to the auth core.
  const gate = signIn(ctx.auth, { protocol: 'ews', mailbox: () => undefined, mailboxOptional: true });
  router.all(EWS_PATH, gate, (req, res) => serve(ctx, req, res));
  return router;
}

function send(res: Response, reply: { status: number; contentType: string; body: string }): void {
  res.status(reply.status).setHeader('Content-Type', reply.contentType);
  res.send(reply.body);
}

async function serve(ctx: HttpContext, req: Request, res: Response): Promise<void> {
  const decision = decisionOf(res);
  if (req.method === 'GET' || req.method === 'HEAD') return send(res, HTTP_TEXTS.getPage);
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'GET, HEAD, POST');
    return send(res, HTTP_TEXTS.methodNotAllowed);
  }
  const contentType = req.get('content-type') ?? '';
  const [mediaType, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '') ?? 'utf-8';
  const version = SOAP_MEDIA_TYPES[mediaType];
  const body = await readBody(req, ctx.limits.httpMaxBodyBytes);
  if (!version || !CHARSETS.has(charset)) return send(res, HTTP_TEXTS.unsupportedMediaType(contentType.slice(0, 200)));
  if (body === null) return send(res, HTTP_TEXTS.tooLarge);

  let operationName = '';
  try {
    const text = new TextDecoder(charset === 'utf8' ? 'utf-8' : charset).decode(body);
    const request = parseSoapRequest(text);
    const operation = OPERATIONS.get(request.operation.name);
    operationName = request.operation.name;
    if (!operation) throw new EwsFault(EWS_ERRORS.operationNotSupported);
    const acting = await actingMailbox(ctx, req, decision, request.impersonation);
    const session = new EwsSession(ctx, acting, res.locals.frontEnd as FrontEnd | undefined);
    const out = await operation.run(request.operation, session);
    ctx.log.debug({ proto: 'ews', op: operationName, tenant: acting.tenant.name, user: acting.mailbox.upn }, 'ews request');
    res.status(200).setHeader('Content-Type', contentTypeOf(request.version));
    res.send(renderResponse(request.version, out));
  } catch (error) {
    if (error instanceof GateRefusal) return renderRefusal(res, 'ews', refusalFor(error.outcome));
    let fault: EwsFault;
    if (error instanceof EwsFault) fault = error;
    else {
      ctx.log.error({ proto: 'ews', op: operationName, err: error }, 'ews operation failed');
      fault = new EwsFault(EWS_ERRORS.internalServerError);
    }
    res.status(500).setHeader('Content-Type', contentTypeOf(version));
    res.send(renderFault(version, fault));
  }
}

/**
 * The request body, or null past the limit. Past it the rest is read and dropped, not kept, so
 * memory stays bounded and the connection stays usable for the next request.
 */
function readBody(req: Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
