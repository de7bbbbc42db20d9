// Every line exogate's POP3 service says, once (reference §3). Texts are kept exactly, trailing
// period or not. `confirmed: false` marks texts the reference does not give; most of those are
// the strings of Exchange's own POP3 server (decompiled Microsoft.Exchange.Pop3, 15.00.1497, found
// in public code — the code base the reference trusts for IMAP's §2.5), the rest are choices. They
// are kept here so that one edit corrects them. A bare `+OK` carries no text and has no entry:
// USER (§3), CAPA's first line (§3), and in Exchange's forms DELE, RSET, NOOP, RETR, TOP, UIDL.
import type { Outcome } from '../../core/auth/attempt.js';
import type { FrontEndEra } from '../../core/eras.js';

export interface Pop3Text {
  text: string;
  confirmed: boolean;
}

/** A multi-line answer's lines between `+OK` and `.` (CAPA, AUTH without a mechanism). */
export interface Pop3List {
  lines: readonly string[];
  confirmed: boolean;
}

const c = (text: string): Pop3Text => ({ text, confirmed: true });
const u = (text: string): Pop3Text => ({ text, confirmed: false });
const list = (confirmed: boolean, ...lines: string[]): Pop3List => ({ lines, confirmed });

/** `+OK <greeting>` by front-end era; `{fqdn}` is base64 of the front end's FQDN in UTF-16LE, as IMAP's. */
export const GREETINGS: Readonly<Record<FrontEndEra, Pop3Text>> = {
  classic: c('The Microsoft Exchange POP3 service is ready. [{fqdn}]'),
  // No POP3 greeting of the 2026 front end has been published; the classic one stands in.
  tcpproxy: u('The Microsoft Exchange POP3 service is ready. [{fqdn}]'),
};

/**
 * CAPA lists (RFC 2449), one capability a line, between `+OK` and `.`. The same in both front-end
 * eras: nothing says what the 2026 front end's POP3 CAPA is (its IMAP drops AUTH=PLAIN, §2.2),
 * and it still answers USER/PASS, with `basicDisabled` (§3) — UNCONFIRMED.
 */
export const CAPABILITIES = {
  /** Port 995, or 110 after STLS (§3, LOG email-oauth2-proxy #62, vmime #267). */
  tls: list(true, 'TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER'),
  /**
   * Port 110 before STLS: UNCONFIRMED in the reference ("presumably STLS is listed and USER is
   * refused"). Exchange's own CAPA for a SecureLogin server outside TLS lists TOP, UIDL and STLS
   * only (decompiled Pop3RequestCapa), which is what this is.
   */
  plain: list(false, 'TOP', 'UIDL', 'STLS'),
  /** Port 110 when the gateway allows sign-in outside TLS (load tests): Exchange's PlainTextLogin list. */
  plainLoginAllowed: list(false, 'TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER', 'STLS'),
} as const;

/** `AUTH` without a mechanism lists the mechanisms (RFC 1734 style, as Exchange does; its list for EXO is UNCONFIRMED). */
export const AUTH_MECHANISMS = list(false, 'PLAIN', 'XOAUTH2');

/** Sign-in answers (§3). Failures never say why: wrong password and Basic blocked read the same. */
export const SIGN_IN = {
  /** PASS accepted. */
  loggedOn: c('User successfully logged on.'),
  /** AUTH accepted (§3 [DOC] for XOAUTH2; used for AUTH PLAIN as well, as Exchange's AUTHResponseCompleted). */
  authenticated: c('User successfully authenticated.'),
  /** Every PASS failure, whatever the outcome (§3). */
  logonFailed: c('Logon failure: unknown user name or bad password.'),
  /**
   * Every AUTH failure, PLAIN or XOAUTH2: bad password, Basic blocked, bad, expired, wrong-audience
   * or under-scoped token, no mailbox permission (§3, §8.2). The reference gives this text for
   * XOAUTH2; for AUTH PLAIN it gives none, and Exchange's own AUTH answers every mechanism with
   * it (decompiled Pop3RequestAuth.AUTHResponseFailed), so PLAIN reads the same.
   */
  authenticationFailed: c('Authentication failure: unknown user name or bad password.'),
  /** `*` in answer to a `+ ` continuation (RFC 5034 §4): decompiled AUTHResponseTerminated. */
  authCancelled: u('The AUTH protocol exchange was canceled by the client.'),
  /** 2026 front end, Basic attempted (PASS, AUTH PLAIN): reported for consumer Outlook.com; UNCONFIRMED for tenants (§3). */
  basicDisabled: c('Basic authentication is disabled'),
} as const;

/**
 * Outcomes that sign in (a `+OK`) but leave the session unable to reach the mailbox. The
 * reference leaves POP3's text UNCONFIRMED (§3: "probably an accepted logon followed by -ERR on
 * subsequent commands", by analogy with IMAP §2.4); that is what exogate does, with Exchange's
 * own words for that state (`TEXTS.notConnected`). A token without mailbox permission is NOT
 * here: for POP3 it fails outright (§8.2).
 */
export const AUTHENTICATED_BUT_NOT_CONNECTED: ReadonlySet<Outcome> = new Set<Outcome>(['protocol-disabled-for-mailbox']);

export const TEXTS = {
  /** QUIT (§3). */
  signingOff: c('Microsoft Exchange Server POP3 server signing off.'),
  /** A command Exchange does not know, e.g. an IMAP command on the POP3 port (§3). */
  protocolError19: c('Protocol error. 19'),
  /** The third unknown command, and the session ends (decompiled Pop3RequestInvalid). */
  protocolError20: u('Protocol error. 20'),
  /** A command in a state it is not valid in; also USER/PASS/AUTH outside TLS (§3; its use outside TLS is Exchange's VerifyState). */
  invalidState: c('Command is not valid in this state.'),
  /** Every command after a sign-in that could not reach the mailbox (decompiled ProcessInvalidState). */
  notConnected: u('User is authenticated but not connected.'),
  /** Second line after the third bad command or the last failed sign-in; the session then ends (decompiled, no status indicator). */
  connectionClosed21: u('Connection is closed. 21'),
  /** A bad argument: not a message number, or a line count below 0 (decompiled ParseResult.invalidArgument). */
  protocolError14: u('Protocol error. 14'),
  /** The wrong number of arguments (decompiled ParseResult.invalidNumberOfArguments). */
  protocolError16: u('Protocol error. 16'),
  /** A command with bytes outside US-ASCII (decompiled CommandIsNotAllASCII). */
  protocolError17: u('Protocol error. 17'),
  /**
   * A command line over the limit, and the session ends: seen from Exchange Online for a one-line
   * `AUTH XOAUTH2 <initial response>` (LOG getmail6 #256, 2025-11; mpop #11; not in the reference).
   */
  tooLong: u('Protocol error. Connection is closed. 10'),
  /** RETR/TOP/LIST/UIDL/DELE of a number past the maildrop (decompiled ResponseDoesNotExist). */
  outOfRange: u('The specified message is out of range.'),
  /** ... of a message marked deleted, or removed meanwhile by another client (decompiled ResponseDeleted). */
  noLongerAvailable: u('The requested message is no longer available; it may have been deleted.'),
  /** STLS accepted (decompiled STLSResponse). */
  beginTls: u('Begin TLS negotiation.'),
  /** The mailbox already has a session in TRANSACTION (RFC 1939 §8 lock). Exchange does not lock: exogate's own words. */
  maildropLocked: u('The mailbox is in use by another POP3 session.'),
  /** A store error while serving a command (decompiled ProcessException). */
  serverUnavailable: u('Server Unavailable. 21'),
  /** Idle timeout (decompiled TimeoutErrorString). */
  idleTimeout: u('Connection is closed. 12'),
  /** Over the command rate: IMAP's §2.5 line, in POP3's form. */
  throttled: u('Request is throttled. Suggested Backoff Time: {ms} milliseconds'),
  /** Over the per-address connection limit (IMAP's choice, in POP3's form). */
  tooManyConnections: u('Too many concurrent connections.'),
  /** The gateway is shutting down: QUIT's words, as an -ERR since nothing was asked. */
  shuttingDown: u('Microsoft Exchange Server POP3 server signing off.'),
} as const;
