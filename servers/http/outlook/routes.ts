// Outlook's endpoints on the HTTPS listener: MAPI/HTTP (`/mapi/emsmdb`, `/mapi/nspi`), RPC/HTTP
// (`/rpc/rpcproxy.dll`) and the Offline Address Book (`/OAB/...`), each behind the sign-in gate
// with its own protocol id, so each is blocked, counted and logged as itself (reference §5.1,
// §9.1). What each answers once signed in is tabled in ./replies.ts.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { signIn } from '../auth/gate.js';
import type { HttpContext } from '../context.js';
import { rpcMailbox, mapiMailbox } from './mailbox.js';
import { echoMapiHeaders, fail, mapiHandler, type MapiEndpoint } from './mapi.js';
import { oabHandler } from './oab.js';
import { RESPONSE_CODES } from './replies.js';
import { rpcHandler } from './rpc.js';

const MAPI_PATH = /^\/mapi\/(emsmdb|nspi)\/?$/i;

export function outlookRoutes(ctx: HttpContext): Router {
  const router = Router();
  const mapiGate = signIn(ctx.auth, { protocol: 'mapi', mailbox: mapiMailbox(ctx.directory) });
  const body = express.raw({ type: () => true, limit: ctx.limits.httpMaxSmallBodyBytes });
  for (const endpoint of ['emsmdb', 'nspi'] as const satisfies readonly MapiEndpoint[]) {
    router.all(`/mapi/${endpoint}`, echoMapiHeaders, mapiGate, body, mapiHandler(ctx, endpoint));
  }
  router.all('/rpc/rpcproxy.dll', signIn(ctx.auth, { protocol: 'rpc', mailbox: rpcMailbox(ctx.directory) }), rpcHandler);
  router.all('/OAB{/*rest}', signIn(ctx.auth, { protocol: 'oab' }), oabHandler);

  // MAPI/HTTP reports transport problems in X-ResponseCode (MS-OXCMAPIHTTP §2.2.3.3.3).
  router.use((err: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !MAPI_PATH.test(req.path) || !err.type) return next(err);
    fail(res, err.type === 'entity.too.large' ? RESPONSE_CODES.tooLarge : RESPONSE_CODES.invalidRequestBody);
  });
  return router;
}
