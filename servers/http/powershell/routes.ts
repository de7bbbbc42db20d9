// Remote PowerShell (`/PowerShell-LiveID`, reference §1, §5.7): WinRM's sign-in gate, Basic or
// Bearer, then a shell for administrators. `?BasicAuthToOAuthConversion=true` carries a token in
// the Basic password (`Bearer <token>`, the user name being the UPN or `OAuthUser@<tenant>`):
// the header is rewritten to the Bearer it stands for before the gate, so the attempt takes the
// token path like any other Bearer.
import { clientAddress } from '../../wire/connection.js';
import { randomUUID } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { hasRole } from '../../../core/tenants/model.js';
import { decisionOf, parseAuthorization, signIn } from '../auth/gate.js';
import type { HttpContext } from '../context.js';
import { baseUrl, queryParam as param } from '../urls.js';
import { ACTIONS, FAULT_STATUS, FAULTS, SOAP_CONTENT_TYPE, type WsmanFault } from './replies.js';
import { createResponse, faultEnvelope, parseWsman } from './wsman.js';

const PATH = '/PowerShell-LiveID';

/**
 * BasicAuthToOAuthConversion: `Basic base64(upn:Bearer <token>)` becomes `Bearer <token>` with
 * the UPN as X-AnchorMailbox. The app-only form names no mailbox (`OAuthUser@<tenant id>`).
 * A password that is not a token then fails as an unreadable token (2000001), as the service
 * reads it as one (UNCONFIRMED: the reference has no capture of that case).
 */
function basicToOAuth(req: Request, _res: Response, next: NextFunction): void {
  if (!/^true$/i.test(param(req, 'BasicAuthToOAuthConversion') ?? '')) return next();
  const credentials = parseAuthorization(req.get('authorization'));
  if (credentials?.kind !== 'basic') return next();
  req.headers.authorization = `Bearer ${credentials.secret.replace(/^Bearer\s+/i, '')}`;
  if (/^OAuthUser@/i.test(credentials.username)) delete req.headers['x-anchormailbox'];
  else req.headers['x-anchormailbox'] = `UPN:${credentials.username}`;
  next();
}

export function powershellRoutes(ctx: HttpContext): Router {
  const router = Router();
  router.all(
    PATH,
    basicToOAuth,
    // Remote PowerShell acts on the organization: an app-only token names no mailbox.
    signIn(ctx.auth, { protocol: 'powershell', mailboxOptional: true }),
    (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'POST') {
        res.status(405).setHeader('Allow', 'POST');
        res.end();
        return;
      }
      // WinRM refuses anything but SOAP 1.2 with an empty 415.
      if ((req.get('content-type') ?? '').split(';')[0].trim().toLowerCase() !== 'application/soap+xml') {
        res.status(415).setHeader('Content-Length', '0');
        res.end();
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: ctx.limits.httpMaxSmallBodyBytes }),
    (req: Request, res: Response) => shell(ctx, req, res),
  );
  router.use((err: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !/^\/powershell-liveid\/?$/i.test(req.path)) return next(err);
    if (!err.type) ctx.log.error({ err, proto: 'powershell' }, 'Remote PowerShell request failed');
    sendFault(res, err.type === 'entity.too.large' ? FAULTS.tooLarge() : err.type ? FAULTS.invalidXml() : FAULTS.internal(), undefined);
  });
  return router;
}

function shell(ctx: HttpContext, req: Request, res: Response): void {
  const request = parseWsman(Buffer.isBuffer(req.body) ? req.body : undefined);
  if (!request) return sendFault(res, FAULTS.invalidXml(), undefined);
  const decision = decisionOf(res);
  const who = decision.user?.upn ?? decision.appId ?? '';
  if (!isAdministrator(ctx, req, res)) return sendFault(res, FAULTS.notAdmin(who), request.messageId);
  if (request.action !== ACTIONS.create) return sendFault(res, FAULTS.actionNotSupported(request.action), request.messageId);
  const xml = createResponse(request, {
    shellId: randomUUID().toUpperCase(),
    address: `${baseUrl(req)}${PATH}`,
    owner: who,
    clientIp: clientAddress(req.socket),
  });
  res.status(200).setHeader('Content-Type', SOAP_CONTENT_TYPE);
  res.end(xml);
}

/**
 * Exchange administrators only (Organization Management: Global and Exchange administrators,
 * and a partner's delegated administrators). An app-only token was checked for
 * Exchange.ManageAsApp by the auth core. `?DelegatedOrg=` naming another tenant is refused: a
 * sign-in of tenant A never acts on tenant B.
 */
function isAdministrator(ctx: HttpContext, req: Request, res: Response): boolean {
  const decision = decisionOf(res);
  const delegatedOrg = param(req, 'DelegatedOrg');
  if (delegatedOrg && ctx.directory.tenant(delegatedOrg)?.id !== decision.tenant?.id) return false;
  if (decision.credential === 'app-token') return true;
  const user = decision.user;
  return !!user && hasRole(user, ctx.clock.now(), 'GlobalAdministrator', 'ExchangeAdministrator', 'DelegatedAdmin');
}

function sendFault(res: Response, fault: WsmanFault, relatesTo: string | undefined): void {
  res.status(FAULT_STATUS).setHeader('Content-Type', SOAP_CONTENT_TYPE);
  res.end(faultEnvelope(fault, relatesTo, res.locals.frontEnd?.fqdn ?? ''));
}
