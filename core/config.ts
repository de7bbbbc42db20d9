// Every limit and tunable of the gateway, in one place, each with the reference's default
// (or, where the reference has none, a stated choice). Servers read them from here; users
// override any of them through startGateway({ limits }) or the CLI.

export interface Limits {
  // --- SMTP submission (reference §4) ---
  /** SIZE advertised and enforced (§4.1: 157286400). */
  smtpMaxMessageBytes: number;
  /** Recipients per message (EXO service description: 500, §4.3). */
  smtpMaxRecipients: number;
  /** Concurrent authenticated SMTP connections per mailbox before 432 4.3.2 (§4.3: three). */
  smtpMaxConnectionsPerMailbox: number;
  /** Longest command line accepted (RFC 5321 says 512; clients send long XOAUTH2 lines, so more). */
  smtpMaxCommandBytes: number;
  /** Idle timeout of an SMTP session (not in the reference; Exchange's receive connector default is 10 min). */
  smtpIdleTimeoutMs: number;
  /** Unrecognised commands before the connection is dropped. */
  smtpMaxUnrecognizedCommands: number;
  /** PLAIN is accepted though not advertised; strict answers it 504 like Exchange (§4.1). */
  smtpStrictMechanisms: boolean;
  /**
   * Offer AUTH outside TLS. Exchange Online never does (§4.1); load tests may, to measure the
   * sign-in path without TLS's cost.
   */
  smtpAllowPlainAuth: boolean;

  // --- IMAP and POP3 (reference §2, §3) ---
  /** Longest IMAP/POP3 command line, literals excluded (Dovecot's default; Exchange's is unknown). */
  mailMaxLineBytes: number;
  /** Largest literal of an ordinary IMAP command (names, search strings). */
  imapMaxLiteralBytes: number;
  /** Largest APPEND literal: Exchange Online's default message size limit (35 MB). */
  imapMaxAppendBytes: number;
  /** Idle timeout before sign-in (Exchange default 60 s, §2.6). */
  mailPreAuthIdleMs: number;
  /** Idle timeout after sign-in (Exchange default 1800 s, §2.6). */
  mailIdleMs: number;
  /** Concurrent IMAP sessions per mailbox (§2.6: 20); beyond it, "authenticated but not connected". */
  imapMaxConnectionsPerMailbox: number;
  /** Failed LOGINs in one session before `* BYE Connection is closed. 14` (§2.4; the count is UNCONFIRMED). */
  imapMaxLoginFailures: number;
  /** Commands per second a session sustains, and the burst, before `NO Request is throttled` (§2.5). */
  mailCommandsPerSecond: number;
  mailCommandBurst: number;
  /** Offer AUTH=OAUTHBEARER besides XOAUTH2 (Exchange Online does not, §2). */
  imapAdvertiseOauthbearer: boolean;
  /** Allow LOGIN and AUTHENTICATE outside TLS (load tests only; Exchange never does). */
  mailAllowPlainLogin: boolean;
  /** Which IMAP/POP front end answers: by the emulated date (auto), or pinned (§2.1-§2.4). */
  mailFrontEnd: 'auto' | 'classic' | 'tcpproxy';
  /**
   * Longest POP3 command line (Set-PopSettings -MaxCommandSize: 512 by default, 40-1024, per
   * Microsoft's [MS-STANXPOP3] §2.2.14; Exchange Online's value UNCONFIRMED). AUTH continuation
   * lines are not commands and may be as long as mailMaxLineBytes, which is why Exchange Online
   * needs XOAUTH2 in two lines: a token does not fit in `AUTH XOAUTH2 <initial response>`.
   */
  pop3MaxCommandBytes: number;
  /** Failed PASS/AUTH in one POP3 session before it is closed (Exchange's MaxFailedLoginAttempts; the count is UNCONFIRMED). */
  pop3MaxLoginFailures: number;

  // --- all listeners ---
  /** Concurrent connections from one client address, per listener (not in the reference; generous for load tests). */
  maxConnectionsPerIp: number;
  /** Milliseconds after which a listener stops waiting for open connections on shutdown. */
  shutdownGraceMs: number;

  // --- HTTPS protocols (reference §5) ---
  /**
   * Largest EWS or ActiveSync request body. EWS's maxRequestLength and EAS's MaxDocumentDataSize are
   * not in the reference; Exchange Online's default message size limit (35 MB) bounds both (choice).
   */
  httpMaxBodyBytes: number;
  /** Largest JSON or small XML body (Autodiscover, admin API, reporting): 1 MiB (choice: none of these carries mail). */
  httpMaxSmallBodyBytes: number;
  /** ActiveSync devices whose sync state is kept in memory; the least recently used is forgotten and re-syncs (choice). */
  easMaxDeviceStates: number;
  /**
   * Folder indexes (a folder's message list without bodies) kept in memory, least recently used
   * out: POP3's sign-in opens its maildrop and IMAP's SELECT its folder without a store read.
   */
  mailIndexCacheFolders: number;
  /** Deepest WBXML element nesting accepted (ActiveSync's deepest document nests 8; a bound against hostile input). */
  wbxmlMaxDepth: number;
  /** Items one EWS FindItem/FindFolder page or one ActiveSync Sync window returns at most (EWS: 1000, the EWSFindCountLimit default). */
  httpMaxPageItems: number;

  // --- identity platform (reference §8) ---
  /** Access-token lifetime (Entra issues 60-90 minutes; one fixed value here). */
  accessTokenLifetimeSec: number;
  /** Refresh-token inactivity lifetime (Entra: 90 days). */
  refreshTokenLifetimeSec: number;
  authorizationCodeLifetimeSec: number;
  deviceCodeLifetimeSec: number;
  deviceCodePollIntervalSec: number;

  // --- auth core ---
  /** Failed sign-ins before smart lockout (Entra default 10; the reference gives no number). */
  lockoutThreshold: number;
  /** First lockout duration (Entra default 60 s); each further lockout doubles it. */
  lockoutDurationSec: number;
  /** scrypt cost exponent for stored passwords (N = 2^cost). */
  passwordHashCost: number;
  /** Verified-secret cache entries (per process) that spare scrypt on repeated sign-ins. */
  verifiedSecretCacheSize: number;
  /** Verified access-token cache entries. */
  tokenCacheSize: number;

  // --- batching of writes off the hot path ---
  /** Flush sign-in records at least this often. */
  signInFlushIntervalMs: number;
  /**
   * Flush usage counters (per tenant, protocol and day; per user and client) at least this often.
   * They add up in memory, so a longer interval writes the same rows less often: at 1,000 users
   * signing in, every flush upserts a row per user.
   */
  usageFlushIntervalMs: number;
  /** ... or as soon as this many records wait. */
  signInFlushBatch: number;
  /** Records kept waiting at most; beyond it new records are counted as dropped and logged. */
  signInQueueMax: number;

  // --- the admin center (/admin) ---
  /** Signed-in admin center sessions kept at most; the oldest is dropped first (choice). */
  adminSessionMax: number;
  /** A session ends after this long unused (real time: jumping the emulated calendar keeps you signed in). */
  adminSessionIdleMs: number;
  /** ... and this long after sign-in whatever happens. */
  adminSessionMaxAgeMs: number;

  // --- the deprecation programme (reference §0, §7) ---
  /**
   * How long a change made through the self-service diagnostic takes to reach the front end. The
   * reference says "within an hour (often sooner)" and one admin measured about 42 minutes; the
   * documented bound is the default, so a client that works after it works on the real service.
   */
  diagnosticPropagationMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  smtpMaxMessageBytes: 157_286_400,
  smtpMaxRecipients: 500,
  smtpMaxConnectionsPerMailbox: 3,
  smtpMaxCommandBytes: 16 * 1024,
  smtpIdleTimeoutMs: 10 * 60 * 1000,
  smtpMaxUnrecognizedCommands: 10,
  smtpStrictMechanisms: false,
  smtpAllowPlainAuth: false,

  mailMaxLineBytes: 65_536,
  imapMaxLiteralBytes: 65_536,
  imapMaxAppendBytes: 35 * 1024 * 1024,
  mailPreAuthIdleMs: 60_000,
  mailIdleMs: 1_800_000,
  imapMaxConnectionsPerMailbox: 20,
  imapMaxLoginFailures: 3,
  mailCommandsPerSecond: 500,
  mailCommandBurst: 2000,
  imapAdvertiseOauthbearer: false,
  mailAllowPlainLogin: false,
  mailFrontEnd: 'auto',
  pop3MaxCommandBytes: 512,
  pop3MaxLoginFailures: 3,

  maxConnectionsPerIp: 2000,
  shutdownGraceMs: 2000,

  httpMaxBodyBytes: 35 * 1024 * 1024,
  httpMaxSmallBodyBytes: 1024 * 1024,
  httpMaxPageItems: 1000,
  easMaxDeviceStates: 10_000,
  mailIndexCacheFolders: 10_000,
  wbxmlMaxDepth: 32,

  accessTokenLifetimeSec: 3600,
  refreshTokenLifetimeSec: 90 * 86400,
  authorizationCodeLifetimeSec: 600,
  deviceCodeLifetimeSec: 900,
  deviceCodePollIntervalSec: 5,

  lockoutThreshold: 10,
  lockoutDurationSec: 60,
  passwordHashCost: 14,
  verifiedSecretCacheSize: 100_000,
  tokenCacheSize: 50_000,

  signInFlushIntervalMs: 250,
  usageFlushIntervalMs: 5000,
  signInFlushBatch: 2000,
  signInQueueMax: 1_000_000,

  adminSessionMax: 10_000,
  adminSessionIdleMs: 8 * 3_600_000,
  adminSessionMaxAgeMs: 24 * 3_600_000,

  diagnosticPropagationMs: 3_600_000,
});

export function resolveLimits(overrides?: Partial<Limits>): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`unknown limit "${key}"`);
    if (value === undefined) continue;
    if (typeof value !== typeof DEFAULT_LIMITS[key as keyof Limits]) throw new TypeError(`limit "${key}" must be a ${typeof DEFAULT_LIMITS[key as keyof Limits]}`);
    (limits as Record<string, unknown>)[key] = value;
  }
  if (!['auto', 'classic', 'tcpproxy'].includes(limits.mailFrontEnd)) throw new RangeError('limit "mailFrontEnd" is auto, classic or tcpproxy');
  return limits;
}

export type ListenerKey = 'imap' | 'imaps' | 'pop3' | 'pop3s' | 'smtp' | 'smtps' | 'https';
export const LISTENER_KEYS: readonly ListenerKey[] = ['imap', 'imaps', 'pop3', 'pop3s', 'smtp', 'smtps', 'https'];

/** The CLI's default ports (DESIGN.md "Interfaces"): unprivileged stand-ins for 143/993/110/995/587/465/443. */
export const DEFAULT_PORTS: Readonly<Record<ListenerKey, number>> = Object.freeze({
  imap: 1143,
  imaps: 1993,
  pop3: 1110,
  pop3s: 1995,
  smtp: 1587,
  smtps: 1465,
  https: 8443,
});
