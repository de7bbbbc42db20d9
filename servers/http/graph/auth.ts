// Microsoft Graph's own sign-in check: a Bearer token for Graph, of a tenant that exists, with
// one of the permissions the API lists, and — for a signed-in user — a directory role that may
// read it (reference §9.2: delegated callers of auditLogs need a reports role). Graph answers in
// its own JSON error shape, never Exchange's challenges.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenProblem } from '../../../core/auth/attempt.js';
import { GRAPH_APP_ID } from '../../../core/identity/resources.js';
import type { AccessTokenClaims, TokenService } from '../../../core/identity/tokens.js';
import type { Directory } from '../../../core/tenants/directory.js';
import type { Role, Tenant, User } from '../../../core/tenants/model.js';
import type { Clock } from '../../../core/clock.js';

const GRAPH_AUDIENCES = new Set(['https://graph.microsoft.com', 'https://graph.microsoft.com/', GRAPH_APP_ID]);

/** Graph's texts for a refused token (UNCONFIRMED beyond the three seen in public captures). */
const TOKEN_MESSAGES: Partial<Record<TokenProblem, string>> = {
  unparseable: 'IDX14100: JWT is not well formed, there are no dots (.).',
  expired: 'Lifetime validation failed, the token is expired.',
  'wrong-audience': 'Access token validation failure. Invalid audience.',
};

export interface GraphCaller {
  tenant: Tenant;
  /** The signed-in user; absent for app-only tokens. */
  user?: User;
  appId: string;
  claims: AccessTokenClaims;
}

export interface GraphAuthOptions {
  /** Any one of these permissions (delegated scp or application role) lets the caller in. */
  permissions: readonly string[];
  /** Delegated callers also need one of these directory roles. */
  roles?: readonly Role[];
}

/** Graph's error body: `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}`. */
export function graphError(res: Response, status: number, code: string, message: string): void {
  const requestId = randomUUID();
  res.status(status).setHeader('request-id', requestId);
  res.setHeader('client-request-id', requestId);
  res.json({ error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } });
}

export function graphCaller(res: Response): GraphCaller {
  const caller = res.locals.graph as GraphCaller | undefined;
  if (!caller) throw new Error('Graph route reached without graphAuth');
  return caller;
}

export function graphAuth(deps: { tokens: TokenService; directory: Directory; clock: Clock }, options: GraphAuthOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const token = /^bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    deps.tokens.verify(token, deps.clock.now()).then((verified) => {
      if (!verified.ok) return graphError(res, 401, 'InvalidAuthenticationToken', TOKEN_MESSAGES[verified.problem] ?? 'Access token validation failure.');
      const claims = verified.claims;
      if (!GRAPH_AUDIENCES.has(claims.aud)) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
      const tenant = deps.directory.tenant(claims.tid);
      if (!tenant || tenant.id !== claims.tid) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
      const appOnly = claims.idtyp === 'app';
      const granted = appOnly ? (claims.roles ?? []) : (claims.scp ?? '').split(' ');
      if (!options.permissions.some((p) => granted.includes(p))) {
        return graphError(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      }
      let user: User | undefined;
      if (!appOnly) {
        user = deps.directory.userById(claims.oid);
        if (!user || user.tenantId !== tenant.id) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token validation failure.');
        const roles = user.settings.get('roles', deps.clock.now());
        if (options.roles && !options.roles.some((r) => roles.includes(r))) {
          return graphError(res, 403, 'Authentication_MSGraphPermissionMissing', 'Calling principal does not have required MSGraph permissions.');
        }
      }
      res.locals.graph = { tenant, user, appId: claims.appid, claims } satisfies GraphCaller;
      next();
    }, next);
  };
}
