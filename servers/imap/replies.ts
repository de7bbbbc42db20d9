// Every line exogate's IMAP4 service says, once (reference §2). Exchange's texts end with a
// period and some carry a number (the decompiled response ids); they are kept exactly.
// `confirmed: false` marks texts the reference does not give (Exchange on-premises wording or
// RFC 3501's), chosen as the most plausible and kept here so one edit corrects them.
import type { Outcome } from '../../core/auth/attempt.js';
import type { FrontEndEra } from '../../core/eras.js';

export interface ImapText {
  text: string;
  confirmed: boolean;
}

const c = (text: string): ImapText => ({ text, confirmed: true });
const u = (text: string): ImapText => ({ text, confirmed: false });

/** Greetings by front-end era (§2.1); `{fqdn}` is base64 of the front end's FQDN in UTF-16LE. */
export const GREETINGS: Readonly<Record<FrontEndEra, ImapText>> = {
  classic: c('The Microsoft Exchange IMAP4 service is ready. [{fqdn}]'),
  // Seen Sept 2026 with the bracket redacted; exogate puts the classic bracket there.
  tcpproxy: u('Microsoft Exchange IMAP4 service ready. {guid} (tcpproxy/15.21.0406.000 BACKENDAUTHENTICATE) [{fqdn}]'),
};

/** CAPABILITY lists (§2.2), by where the session is. */
export const CAPABILITIES = {
  /** Port 143 before STARTTLS: no LOGIN, no AUTH= mechanisms. */
  plainPreAuth: 'IMAP4 IMAP4rev1 LOGINDISABLED STARTTLS SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
  /** Inside TLS, classic front end. */
  tlsPreAuth: 'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
  /** Inside TLS, 2026 front end: Basic is gone, so PLAIN goes and LOGINDISABLED appears. */
  tlsPreAuthTcpproxy: 'IMAP4 IMAP4rev1 AUTH=XOAUTH2 LOGINDISABLED SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
  /** After login (both eras). */
  authenticated:
    'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+',
} as const;

/** `AUTH=OAUTHBEARER`, added where AUTH=XOAUTH2 is when the (off by default) setting is on. */
export const OAUTHBEARER_CAPABILITY = 'AUTH=OAUTHBEARER';

/** Tagged answers to LOGIN and AUTHENTICATE, by auth-core outcome (§2.4): deliberately uninformative. */
export const LOGIN_FAILED = c('LOGIN failed.');
export const AUTHENTICATE_FAILED = c('AUTHENTICATE failed.');
export const LOGIN_OK = c('LOGIN completed.');
export const AUTHENTICATE_OK = c('AUTHENTICATE completed.');

/**
 * Outcomes that sign in (an OK) but leave the session unable to reach the mailbox (§2.4, §10.2):
 * every later command gets `BAD User is authenticated but not connected.`
 */
export const AUTHENTICATED_BUT_NOT_CONNECTED: ReadonlySet<Outcome> = new Set<Outcome>(['protocol-disabled-for-mailbox', 'no-mailbox-permission']);

export const TEXTS = {
  notConnected: c('User is authenticated but not connected.'),
  /** After the third command in that state (§2.4): `* BYE Connection closed. 14`. */
  notConnectedBye: c('Connection closed. 14'),
  /** On the last allowed failed LOGIN (§2.4; how many attempts is UNCONFIRMED). */
  loginFailedBye: c('Connection is closed. 14'),
  basicDisabled: c('Basic authentication is disabled.'),
  signingOff: c('Microsoft Exchange Server IMAP4 server signing off.'),
  invalidState: c('Command received in Invalid state.'),
  argumentError11: c('Command Argument Error. 11'),
  argumentError12: c('Command Argument Error. 12'),
  commandError10: c('Command Error. 10'),
  commandError11: c('Command Error. 11'),
  commandError12: c('Command Error. 12'),
  badMessageSet: c('[*] The specified message set is invalid.'),
  badCharset: c('[BADCHARSET (US-ASCII)] The specified charset is not supported.'),
  serverUnavailable: c('Server Unavailable. 15'),
  idleTimeout: c('Connection is closed. 13'),
  throttled: c('Request is throttled. Suggested Backoff Time: {ms} milliseconds'),
  literalContinue: u('Ready for additional command text.'),
  idleContinue: u('IDLE accepted, awaiting DONE command.'),
  startTls: u('Begin TLS negotiation now.'),
  tooManyConnections: u('Too many concurrent connections.'),
  mailboxNotFound: u('The requested item could not be found.'),
  mailboxExists: u('Mailbox already exists.'),
  cannotDeleteInbox: u('Special mailbox cannot be deleted.'),
  appendTooBig: u('Message too large.'),
  noSuchMessage: u('The specified message set is invalid.'),
  idCompleted: c('ID completed.'),
} as const;

export const ID_RESPONSE = '("name" "Microsoft.Exchange.Imap4.Imap4Server" "version" "15.20")';
export const NAMESPACE_RESPONSE = '(("" "/")) NIL NIL';

/** `<tag> OK <COMMAND> completed.` — Exchange's pattern for every success (§2.4, §2.5). */
export function completed(command: string): string {
  return `${command.toUpperCase()} completed.`;
}
