// What a protocol server hands the auth core, and what it gets back (DESIGN.md "The decision
// pipeline"). One outcome enum for every protocol; each server maps it to its own reply table.
import type { ProtocolId } from '../protocols.js';
import type { Tenant, User } from '../tenants/model.js';

export const OUTCOMES = [
  'ok',
  'unknown-tenant',
  'unknown-user',
  'account-disabled',
  'bad-credentials',
  'locked-out',
  'basic-blocked-by-microsoft',
  'basic-blocked-by-policy',
  'smtp-basic-retired',
  'smtp-auth-disabled-tenant',
  'smtp-auth-disabled-mailbox',
  'security-defaults',
  'conditional-access',
  'mfa-required',
  'protocol-disabled-for-mailbox',
  'token-invalid',
  'token-expired',
  'wrong-audience',
  'missing-scope',
  'no-mailbox-permission',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

export interface AuthAttempt {
  protocol: ProtocolId;
  kind: 'basic' | 'oauth';
  /** Basic: the user name as typed. OAuth: the mailbox named by XOAUTH2's `user=` (or an anchor header); may be empty. */
  username: string;
  /** Basic only: the password or app password. Never logged, never stored. */
  secret?: string;
  /** OAuth only: the access token as presented. */
  token?: string;
  clientIp: string;
  tls: boolean;
  userAgent?: string;
  deviceId?: string;
  /** App-only HTTP calls may name no mailbox; the server then picks one (e.g. from impersonation). */
  mailboxOptional?: boolean;
  /**
   * Count a success as the programme's usage. False when a server decides the same request a
   * second time for another mailbox (EWS impersonation), so one request counts once.
   */
  countUsage?: boolean;
}

/**
 * Attempts built here all have one shape (every field present, in one order), so the auth core
 * sees one hidden class whatever the protocol or credential: the hot path stays monomorphic.
 */
export function basicAttempt(protocol: ProtocolId, username: string, secret: string, conn: { clientIp: string; tls: boolean; userAgent?: string; deviceId?: string }): AuthAttempt {
  return {
    protocol,
    kind: 'basic',
    username,
    secret,
    token: undefined,
    clientIp: conn.clientIp,
    tls: conn.tls,
    userAgent: conn.userAgent,
    deviceId: conn.deviceId,
    mailboxOptional: false,
    countUsage: true,
  };
}

export function oauthAttempt(
  protocol: ProtocolId,
  username: string,
  token: string,
  conn: { clientIp: string; tls: boolean; userAgent?: string; deviceId?: string; mailboxOptional?: boolean; countUsage?: boolean },
): AuthAttempt {
  return {
    protocol,
    kind: 'oauth',
    username,
    secret: undefined,
    token,
    clientIp: conn.clientIp,
    tls: conn.tls,
    userAgent: conn.userAgent,
    deviceId: conn.deviceId,
    mailboxOptional: conn.mailboxOptional ?? false,
    countUsage: conn.countUsage ?? true,
  };
}

/** Why a token was refused, in the words HTTP diagnostics use (x-ms-diagnostics, reference §5.3). */
export type TokenProblem = 'unparseable' | 'bad-signature' | 'expired' | 'not-yet-valid' | 'wrong-issuer' | 'wrong-audience' | 'unknown-tenant' | 'no-permission';

export interface Decision {
  outcome: Outcome;
  protocol: ProtocolId;
  kind: 'basic' | 'oauth';
  tenant?: Tenant;
  /** Who signed in (absent for app-only tokens). */
  user?: User;
  /** The mailbox the session acts on: the user's own, a shared one, or the app's target. */
  mailbox?: User;
  /** The OAuth client, or Exchange's own app id for Basic sign-ins. */
  appId?: string;
  credential?: 'password' | 'app-password' | 'user-token' | 'app-token';
  /** AADSTS-style error code of the sign-in (0 for success); see core/identity/aadsts.ts. */
  errorCode: number;
  /** Set when the decision left a sign-in record (reference §9.1, §10.5). */
  signInId?: string;
  tokenProblem?: TokenProblem;
}
