// The sign-in gate every Exchange HTTP endpoint stands behind: read `Authorization: Basic` or
// `Authorization: Bearer`, ask the auth core, and either hand the decision to the protocol's
// routes or render the refusal from the one HTTP reply table (./replies.ts). A protocol folder
// never parses credentials or decides; it reads `decisionOf(res)`.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { decodeJwt } from 'jose';
import { basicAttempt, oauthAttempt, type AuthAttempt, type Decision, type Outcome } from '../../../core/auth/attempt.js';
import type { AuthCore } from '../../../core/auth/core.js';
import type { ProtocolId } from '../../../core/protocols.js';
import { refusalFor, ROUTING_COOKIE, type HttpRefusal, type Situation } from './replies.js';

export interface SignInOptions {
  protocol: ProtocolId;
  /** The mailbox a request names besides its credentials: X-AnchorMailbox by default, EAS's `User=`. */
  mailbox?: (req: Request) => string | undefined;
  /** The device a request comes from, for the sign-in record (EAS's DeviceId). */
  deviceId?: (req: Request) => string | undefined;
  /** App-only tokens may name no mailbox here (EWS names it in the SOAP header). */
  mailboxOptional?: boolean;
  /** Outcomes the protocol renders itself: the gate stores the decision and calls next(). */
  passThrough?: readonly Outcome[];
  /** Refuse Basic outright, as the V3 admin API does (it takes tokens only). */
  bearerOnly?: boolean;
}

export type Credentials = { kind: 'basic'; username: string; secret: string } | { kind: 'bearer'; token: string };

/** `Authorization` as Exchange reads it; anything else (NTLM, Negotiate, garbage) is no credential. */
export function parseAuthorization(header: string | undefined): Credentials | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value ? { kind: 'bearer', token: value } : null;
  if (scheme !== 'basic' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { kind: 'basic', username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** `X-AnchorMailbox: UPN:alice@contoso.com` (or SMTP:, or a bare address). */
export function anchorMailbox(req: Request): string | undefined {
  const anchor = req.get('x-anchormailbox');
  if (!anchor) return undefined;
  const colon = anchor.indexOf(':');
  return (colon >= 0 && !anchor.slice(0, colon).includes('@') ? anchor.slice(colon + 1) : anchor).trim() || undefined;
}

export function decisionOf(res: Response): Decision {
  const decision = res.locals.decision as Decision | undefined;
  if (!decision) throw new Error('route reached without the sign-in gate');
  return decision;
}

export function signIn(auth: AuthCore, options: SignInOptions): RequestHandler {
  const mailboxOf = options.mailbox ?? anchorMailbox;
  const passThrough = new Set<Outcome>(options.passThrough ?? []);
  return (req: Request, res: Response, next: NextFunction) => {
    const credentials = parseAuthorization(req.get('authorization'));
    if (!credentials || (options.bearerOnly && credentials.kind === 'basic')) {
      renderRefusal(res, options.protocol, refusalFor('no-credentials'));
      return;
    }
    const conn = {
      clientIp: req.socket.remoteAddress ?? '',
      tls: true,
      userAgent: req.get('user-agent'),
      deviceId: options.deviceId?.(req),
      mailboxOptional: options.mailboxOptional,
    };
    const attempt: AuthAttempt =
      credentials.kind === 'basic'
        ? basicAttempt(options.protocol, credentials.username, credentials.secret, conn)
        : oauthAttempt(options.protocol, mailboxOf(req) ?? '', credentials.token, conn);
    auth.decide(attempt).then(
      (decision) => {
        if (decision.outcome === 'ok' || passThrough.has(decision.outcome)) {
          res.locals.decision = decision;
          next();
          return;
        }
        const tenantId = decision.tokenProblem === 'unknown-tenant' ? tokenTenant(credentials) : undefined;
        if (decision.user && (decision.outcome === 'bad-credentials' || decision.outcome === 'locked-out')) {
          // Exchange names the mailbox of a user that exists: the enumeration leak of §5.2.
          res.setHeader('X-MailboxGuid', decision.user.id);
        }
        renderRefusal(res, options.protocol, refusalFor(decision.outcome as Situation, decision.tokenProblem, tenantId));
      },
      (error: unknown) => next(error),
    );
  };
}

export function renderRefusal(res: Response, protocol: ProtocolId, refusal: HttpRefusal): void {
  res.status(refusal.status);
  if (refusal.challenge) res.setHeader('WWW-Authenticate', refusal.challenge);
  if (refusal.diagnostics) res.setHeader('x-ms-diagnostics', refusal.diagnostics);
  const cookiePath = ROUTING_COOKIE[protocol];
  if (cookiePath) res.setHeader('Set-Cookie', `MapiRouting=${res.get('request-id') ?? ''}; path=${cookiePath}; secure; HttpOnly`);
  if (refusal.body === null) {
    res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  res.type('text/html').send(refusal.body);
}

function tokenTenant(credentials: Credentials): string | undefined {
  if (credentials.kind !== 'bearer') return undefined;
  try {
    const tid = decodeJwt(credentials.token).tid;
    return typeof tid === 'string' ? tid : undefined;
  } catch {
    return undefined;
  }
}
