// The admin center signs its administrator in as a browser app does with the identity platform
// (reference §8.1): authorization code + PKCE (S256), a state bound to the browser by a cookie,
// and a nonce checked in the id token. The code is redeemed here, server side, by calling the
// identity platform in-process; the tokens go into the session store, never to the browser.
import { clientAddress } from '../../wire/connection.js';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ADMIN_CENTER_APP_ID, ADMIN_CENTER_PERMISSIONS, ADMIN_CENTER_REDIRECT_PATH } from '../../../core/identity/first-party.js';
import type { RequestContext } from '../../../core/identity/platform.js';
import type { HttpContext } from '../context.js';
import { baseUrl } from '../urls.js';
import type { AdminSession, PendingSignIn, SessionTokens } from './sessions.js';
import { ADMIN_TEXTS } from './texts.js';

/** Graph only: one resource per token request (§8.1), and every permission the pages' APIs need. */
export const ADMIN_CENTER_SCOPE = ['openid', 'profile', 'offline_access', ...ADMIN_CENTER_PERMISSIONS.map((p) => `https://graph.microsoft.com/${p}`)].join(' ');
/** The admin center signs any organization's user in, as the real one does. */
export const AUTHORITY = 'organizations';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 120_000;

export const redirectUri = (req: Request) => `${baseUrl(req)}${ADMIN_CENTER_REDIRECT_PATH}`;

export function authorizeUrl(pending: PendingSignIn): string {
  const params = new URLSearchParams({
    client_id: ADMIN_CENTER_APP_ID,
    response_type: 'code',
    redirect_uri: pending.redirectUri,
    response_mode: 'query',
    scope: ADMIN_CENTER_SCOPE,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return `/${AUTHORITY}/oauth2/v2.0/authorize?${params}`;
}

export function requestContext(req: Request): RequestContext {
  return { ip: clientAddress(req.socket), userAgent: req.get('user-agent') };
}

export type Redeemed = SessionTokens;

export type RedeemResult = { ok: true; redeemed: Redeemed } | { ok: false; error: string };

/** Redeems the code with the PKCE verifier and checks the id token's audience and nonce. */
export async function redeemCode(ctx: HttpContext, req: Request, pending: PendingSignIn, code: string): Promise<RedeemResult> {
  const result = await ctx.identity.token(
    AUTHORITY,
    { grant_type: 'authorization_code', client_id: ADMIN_CENTER_APP_ID, code, redirect_uri: pending.redirectUri, code_verifier: pending.verifier },
    requestContext(req),
  );
  if (result.status !== 200 || !('access_token' in result.body)) {
    const body = result.body as { error_description?: string };
    return { ok: false, error: (body.error_description ?? '').split('\r\n')[0] };
  }
  const body = result.body;
  const now = ctx.clock.now();
  if (!body.id_token) return { ok: false, error: ADMIN_TEXTS.noIdToken };
  const id = await ctx.tokens.verify(body.id_token, now);
  const claims = id.ok ? (id.claims as unknown as Record<string, unknown>) : null;
  if (!claims || claims.aud !== ADMIN_CENTER_APP_ID || claims.nonce !== pending.nonce || typeof claims.tid !== 'string' || typeof claims.oid !== 'string') {
    return { ok: false, error: ADMIN_TEXTS.idTokenMismatch };
  }
  return {
    ok: true,
    redeemed: {
      tenantId: claims.tid,
      userId: claims.oid,
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? null,
      accessIssuedAt: now,
      accessExpiresAt: now + body.expires_in * 1000,
    },
  };
}

/**
 * A usable access token for the session on the emulated clock: refreshed when it is about to
 * expire, or when the clock was set back before it was issued. False when it cannot be.
 */
export async function freshToken(ctx: HttpContext, req: Request, session: AdminSession): Promise<boolean> {
  const now = ctx.clock.now();
  if (now >= session.accessIssuedAt && now < session.accessExpiresAt - REFRESH_MARGIN_MS) return true;
  if (!session.refreshToken) return false;
  const result = await ctx.identity.token(
    session.tenantId,
    { grant_type: 'refresh_token', client_id: ADMIN_CENTER_APP_ID, refresh_token: session.refreshToken, scope: ADMIN_CENTER_SCOPE },
    requestContext(req),
  );
  if (result.status !== 200 || !('access_token' in result.body)) return false;
  session.accessToken = result.body.access_token;
  session.refreshToken = result.body.refresh_token ?? session.refreshToken;
  session.accessIssuedAt = now;
  session.accessExpiresAt = now + result.body.expires_in * 1000;
  return true;
}
