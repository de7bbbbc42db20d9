// Autodiscover on the HTTPS listener (reference §1, §5.5): POX behind the sign-in gate, the
// JSON v2 endpoint without it. Both point clients at exogate's own endpoints.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { decisionOf, signIn } from '../auth/gate.js';
import type { HttpContext } from '../context.js';
import { v2ByPath, v2ByQuery } from './json.js';
import { baseUrl } from '../urls.js';
import { mailboxFor } from './mailbox.js';
import { parsePoxRequest, renderMobileSync, renderOutlook, renderPoxError } from './pox.js';
import { POX_CONTENT_TYPE, POX_ERRORS, type PoxError } from './replies.js';

export function autodiscoverRoutes(ctx: HttpContext): Router {
  const router = Router();
  // Any method: IIS challenges a GET without credentials like a POST (401); once signed in,
  // a GET has no request document and is Exchange's 600 "Invalid Request".
  router.all(
    '/autodiscover/autodiscover.xml',
    // App-only tokens (full_access_as_app) name the mailbox in the body, not in a header.
    signIn(ctx.auth, { protocol: 'autodiscover', mailboxOptional: true }),
    express.raw({ type: () => true, limit: ctx.limits.httpMaxSmallBodyBytes }),
    (req: Request, res: Response) => pox(ctx, req, res),
  );
  router.get('/autodiscover/autodiscover.json/v1.0/:email', v2ByPath(ctx));
  router.get('/autodiscover/autodiscover.json', v2ByQuery(ctx));
  // A body too large, badly encoded or cut short is one more invalid request to Exchange.
  router.use((err: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !/^\/autodiscover\/autodiscover\.xml$/i.test(req.path)) return next(err);
    if (!err.type) ctx.log.error({ err, proto: 'autodiscover' }, 'autodiscover request failed');
    sendPox(res, renderPoxError(POX_ERRORS.invalidRequest, ctx.clock.date(), res.locals.frontEnd));
  });
  return router;
}

function pox(ctx: HttpContext, req: Request, res: Response): void {
  const request = parsePoxRequest(Buffer.isBuffer(req.body) ? req.body : undefined);
  const fail = (error: PoxError) => sendPox(res, renderPoxError(error, ctx.clock.date(), res.locals.frontEnd));
  if (!request.ok) return fail(request.error);
  const decision = decisionOf(res);
  const user = mailboxFor(ctx.directory, request.email, decision.tenant);
  if (!user || !decision.tenant) return fail(POX_ERRORS.notFound);
  const endpoints = { base: baseUrl(req), mapiHttp: Number.parseInt(req.get('x-mapihttpcapability') ?? '0', 10) >= 1 };
  sendPox(res, request.provider === 'outlook' ? renderOutlook(user, decision.tenant, endpoints) : renderMobileSync(user, endpoints));
}

function sendPox(res: Response, xml: string): void {
  res.status(200).setHeader('Content-Type', POX_CONTENT_TYPE);
  res.end(xml);
}
