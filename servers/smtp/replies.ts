// Every line exogate's SMTP submission service says, once (reference §4). Auth-core outcomes
// map to their 535/550 lines; protocol events have their own keys. `confirmed: false` marks
// the reference's UNCONFIRMED texts (or Exchange on-premises texts used where the reference has
// none): the most plausible choice, kept here so one edit corrects it everywhere.
import type { Outcome } from '../../core/auth/attempt.js';
import { eraAt } from '../../core/eras.js';
import { hexId } from '../../core/frontends.js';

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code, or null where Exchange sends none. */
  enhanced: string | null;
  /** The text; `{name}` placeholders are filled when rendered. */
  text: string;
  /** Ends with Exchange's bracket: `[HOST]`, or `[HOST ISO-TIME ID]` from 2023 (§4.1). */
  suffix: boolean;
  confirmed: boolean;
}

const r = (code: number, enhanced: string | null, text: string, suffix = false, confirmed = true): SmtpReply => ({ code, enhanced, text, suffix, confirmed });

const BASIC_DISABLED = r(535, '5.7.139', 'Authentication unsuccessful, basic authentication is disabled.', true);
const CREDENTIALS_INCORRECT = r(535, '5.7.139', 'Authentication unsuccessful, the user credentials were incorrect.', true);
const CRITERIA_NOT_MET = r(535, '5.7.139', 'Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.', true);
const GENERIC_535 = r(535, '5.7.3', 'Authentication unsuccessful', true);

/** AUTH answers by auth-core outcome (§4.2). */
export const AUTH_REPLIES: Readonly<Record<Outcome, SmtpReply>> = {
  ok: r(235, '2.7.0', 'Authentication successful'),
  'basic-blocked-by-microsoft': BASIC_DISABLED,
  'basic-blocked-by-policy': BASIC_DISABLED,
  // §4.4: the text announced for Basic SMTP AUTH once it is gone (also used while it is off by default: UNCONFIRMED).
  'smtp-basic-retired': r(550, '5.7.30', 'Basic authentication is not supported for Client Submission.'),
  'smtp-auth-disabled-tenant': r(
    535,
    '5.7.139',
    'Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
    true,
  ),
  'smtp-auth-disabled-mailbox': r(
    535,
    '5.7.139',
    'Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.',
    true,
  ),
  'bad-credentials': CREDENTIALS_INCORRECT,
  // Entra answers "user not found" and "disabled" differently, but SMTP does not tell (UNCONFIRMED).
  'unknown-user': { ...CREDENTIALS_INCORRECT, confirmed: false },
  'unknown-tenant': { ...CREDENTIALS_INCORRECT, confirmed: false },
  'account-disabled': { ...CREDENTIALS_INCORRECT, confirmed: false },
  'security-defaults': r(535, '5.7.139', "Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.", true),
  'conditional-access': CRITERIA_NOT_MET,
  'mfa-required': CRITERIA_NOT_MET,
  'locked-out': r(535, '5.7.139', 'Authentication unsuccessful, account locked.', true),
  'token-invalid': GENERIC_535,
  'token-expired': GENERIC_535,
  'wrong-audience': GENERIC_535,
  'missing-scope': GENERIC_535,
  'no-mailbox-permission': GENERIC_535,
  // SMTP has no per-mailbox protocol switch besides SmtpClientAuthenticationDisabled; never reached.
  'protocol-disabled-for-mailbox': GENERIC_535,
};

/** Before 2021 every Basic failure was the generic line (§4.2, era table). */
export const PRE_2021_BASIC_FAILURE = GENERIC_535;

/** Protocol events. */
export const EVENTS = {
  greeting: r(220, null, '{bannerHost} Microsoft ESMTP MAIL Service ready at {date}'),
  ehlo: r(250, null, '{bannerHost} Hello [{ip}]'),
  helo: r(250, null, '{bannerHost} Hello [{ip}]'),
  starttls: r(220, '2.0.0', 'SMTP server ready'),
  tlsAlreadyActive: r(503, '5.5.1', 'TLS already active', false, false),
  legacyTls: r(421, '4.7.66', 'TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls.', true),
  usernamePrompt: r(334, null, 'VXNlcm5hbWU6'),
  passwordPrompt: r(334, null, 'UGFzc3dvcmQ6'),
  continueAuth: r(334, null, ''),
  unrecognizedAuth: r(504, '5.7.4', 'Unrecognized authentication type', true),
  cannotDecode: r(501, '5.5.2', 'Cannot Decode response', false, false),
  authCancelled: r(501, '5.0.0', 'Authentication cancelled', false, false),
  alreadyAuthenticated: r(503, '5.5.2', 'Already authenticated', false, false),
  concurrentLimit: r(432, '4.3.2', 'Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information. [Hostname={backend}]'),
  sendHelloFirst: r(503, '5.5.2', 'Send hello first'),
  invalidDomain: r(501, '5.5.4', 'Invalid domain name', false, false),
  notAuthenticated: r(530, '5.7.57', 'Client not authenticated to send mail.', true),
  senderOk: r(250, '2.1.0', 'Sender OK'),
  recipientOk: r(250, '2.1.5', 'Recipient OK'),
  sendAsDenied: r(550, '5.7.60', 'SMTP; Client does not have permissions to send as this sender', true),
  sendAsDeniedData: r(
    554,
    '5.2.252',
    'SendAsDenied; {user} not allowed to send as {from}; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message.[EndDiagnosticData]',
    true,
    false,
  ),
  tooManyRecipients: r(452, '4.5.3', 'Too many recipients', false, false),
  messageTooBig: r(552, '5.3.4', 'Message size exceeds fixed maximum message size', false, false),
  senderAlreadySpecified: r(503, '5.5.1', 'Sender already specified', false, false),
  needMail: r(503, '5.5.1', 'Need mail command', false, false),
  needRcpt: r(503, '5.5.2', 'Need rcpt command', false, false),
  invalidSender: r(501, '5.1.7', 'Invalid address', false, false),
  invalidRecipient: r(501, '5.1.3', 'Invalid address', false, false),
  invalidArguments: r(501, '5.5.4', 'Invalid arguments', false, false),
  dataStart: r(354, null, 'Start mail input; end with <CRLF>.<CRLF>'),
  queued: r(250, '2.0.0', 'OK <{messageId}> [Hostname={backend}]', false, false),
  unrecognizedCommand: r(500, '5.3.3', 'Unrecognized command', false, false),
  lineTooLong: r(500, '5.5.6', 'Line too long', false, false),
  tooManyErrors: r(421, '4.7.0', '{bannerHost} Too many errors on this connection, closing transmission channel', false, false),
  tooManyConnections: r(421, '4.3.2', 'The maximum number of concurrent connections has exceeded a limit, closing transmission channel', false, false),
  timeout: r(421, '4.4.1', 'Connection timed out. Total session duration: {duration}', false, false),
  shuttingDown: r(421, '4.3.2', 'Service not available, closing transmission channel', false, false),
  serverError: r(451, '4.7.0', 'Temporary server error. Please try again later. PRX5', false, false),
  noop: r(250, '2.0.0', 'OK'),
  reset: r(250, '2.0.0', 'Resetting'),
  quit: r(221, '2.0.0', 'Service closing transmission channel'),
} as const satisfies Record<string, SmtpReply>;

export type EventKey = keyof typeof EVENTS;

export interface RenderContext {
  /** The front end answering this connection. */
  bannerHost: string;
  errorHost: string;
  backend: string;
  /** Emulated now, for era and timestamps. */
  now: number;
  vars?: Record<string, string>;
}

/** RFC 5322 date as the banner writes it: `Fri, 4 Nov 2022 10:07:41 +0000`. */
/** The banner's date changes once a second; every greeting of that second reuses it. */
let dateSecond = -1;
let dateText = '';

export function bannerDate(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = formatBannerDate(now);
  }
  return dateText;
}

function formatBannerDate(now: number): string {
  const d = new Date(now);
  const day = d.toUTCString().slice(0, 3);
  const month = d.toUTCString().slice(8, 11);
  const hms = d.toISOString().slice(11, 19);
  return `${day}, ${d.getUTCDate()} ${month} ${d.getUTCFullYear()} ${hms} +0000`;
}

function bracket(ctx: RenderContext): string {
  if (eraAt('smtpSuffix', ctx.now) === 'host') return ` [${ctx.errorHost}]`;
  return ` [${ctx.errorHost} ${new Date(ctx.now).toISOString()} ${hexId()}]`;
}

/** The whole reply line (without CRLF). */
export function render(reply: SmtpReply, ctx: RenderContext): string {
  const text = reply.text.includes('{') ? reply.text.replace(/\{(\w+)\}/g, (m, name: string) => fill(name, ctx) ?? m) : reply.text;
  let line = `${reply.code}${reply.enhanced ? ` ${reply.enhanced}` : ''}${text || reply.code === 334 ? ` ${text}` : ''}`;
  if (reply.suffix) line += bracket(ctx);
  return line;
}

function fill(name: string, ctx: RenderContext): string | undefined {
  const given = ctx.vars?.[name];
  if (given !== undefined) return given;
  if (name === 'bannerHost') return ctx.bannerHost;
  if (name === 'backend') return ctx.backend;
  if (name === 'date') return bannerDate(ctx.now);
  return undefined;
}

/** The greeting gains a trailing id from 2023 on (§4.1). */
export function renderGreeting(ctx: RenderContext): string {
  const line = render(EVENTS.greeting, ctx);
  return eraAt('smtpSuffix', ctx.now) === 'host' ? line : `${line} [${hexId()}]`;
}

/** The AUTH answer for an outcome, honouring the pre-2021 era for Basic failures. */
export function authReply(outcome: Outcome, kind: 'basic' | 'oauth', now: number): SmtpReply {
  const reply = AUTH_REPLIES[outcome];
  if (kind === 'basic' && outcome !== 'ok' && reply.enhanced === '5.7.139' && eraAt('smtpAuthTexts', now) === 'generic-5.7.3') return PRE_2021_BASIC_FAILURE;
  return reply;
}

/** EHLO capabilities in Exchange Online's order (§4.1). BINARYMIME and CHUNKING need BDAT, which exogate does not offer. */
export function ehloCapabilities(opts: { size: number; startTls: boolean; auth: boolean; mechanisms: readonly string[] }): string[] {
  return [
    `SIZE ${opts.size}`,
    'PIPELINING',
    'DSN',
    'ENHANCEDSTATUSCODES',
    ...(opts.startTls ? ['STARTTLS'] : []),
    ...(opts.auth ? [`AUTH ${opts.mechanisms.join(' ')}`] : []),
    '8BITMIME',
    'SMTPUTF8',
  ];
}
