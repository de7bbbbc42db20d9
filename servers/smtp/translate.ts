// smtp-server words its own replies ("250 Accepted", "503 Error: need RCPT command"). Exchange
// Online words them differently (reference §4), so every line smtp-server itself writes is
// mapped here to a key of the reply table. Lines exogate composes are marked with RAW and
// pass untouched. test/smtp/translate.test.ts checks this table against smtp-server's source.
import type { EventKey } from './replies.js';

/** Prefix of a reply line exogate rendered itself (stripped before writing). */
export const RAW = '\u0001';
/** Prefix of a reply key to render in the connection's context (for static smtp-server options). */
export const KEY = '\u0002';

export interface Translation {
  key: EventKey;
  /** smtp-server keeps the connection; Exchange's reply for this situation ends it. */
  close?: boolean;
}

const EXACT: ReadonlyMap<string, Translation> = new Map<string, Translation>([
  ['221 Bye', { key: 'quit' }],
  ['250 OK', { key: 'noop' }],
  ['250 Flushed', { key: 'reset' }],
  ['354 End data with <CR><LF>.<CR><LF>', { key: 'dataStart' }],
  ['220 Ready to start TLS', { key: 'starttls' }],
  ['503 Error: TLS already active', { key: 'tlsAlreadyActive' }],
  ['501 Error: syntax: STARTTLS', { key: 'invalidArguments' }],
  ['500 Error: command not recognized', { key: 'unrecognizedCommand' }],
  ['421 Error: too many unrecognized commands', { key: 'tooManyErrors' }],
  ['421 Error: too many unauthenticated commands', { key: 'tooManyErrors' }],
  ['503 Error: send HELO/EHLO first', { key: 'sendHelloFirst' }],
  ['501 Error: Bad sender address syntax', { key: 'invalidSender' }],
  ['503 Error: nested MAIL command', { key: 'senderAlreadySpecified' }],
  ['501 Error: Bad recipient address syntax', { key: 'invalidRecipient' }],
  ['503 Error: need MAIL command', { key: 'needMail' }],
  ['452 Error: too many recipients', { key: 'tooManyRecipients' }],
  ['503 Error: need RCPT command', { key: 'needRcpt' }],
  ['421 Timeout - closing connection', { key: 'timeout' }],
  ['421 Server shutting down', { key: 'shuttingDown' }],
  ['421 HTTP requests not allowed', { key: 'tooManyErrors' }],
  ['451 Error: internal server error', { key: 'serverError' }],
  ['503 Error: Mail transaction in progress', { key: 'senderAlreadySpecified' }],
  ['503 Error: No identity changes permitted', { key: 'alreadyAuthenticated' }],
  ['504 Error: Unrecognized authentication type', { key: 'unrecognizedAuth' }],
  ['538 Error: Must issue a STARTTLS command first', { key: 'unrecognizedAuth' }],
  ['550 Error: Not allowed', { key: 'unrecognizedCommand' }],
  ['501 Error: Bad command parameter syntax', { key: 'invalidArguments' }],
]);

/**
 * The reply key for a line smtp-server wrote, by its code, text and the context argument it
 * passed (which tells MAIL's "Accepted" from RCPT's).
 */
export function translate(code: number, text: string, context: unknown): Translation {
  if (code === 250 && text === 'Accepted') return { key: context === 'RCPT_TO_OK' ? 'recipientOk' : 'senderOk' };
  const exact = EXACT.get(`${code} ${text}`);
  if (exact) return exact;
  if (code === 552) return { key: 'messageTooBig' };
  // Parser failures ("Command line too long") and early talkers: smtp-server drops the connection.
  if (code === 421 && text.startsWith('Error: ')) return { key: 'lineTooLong', close: true };
  if (code === 421) return { key: 'tooManyErrors' };
  // The remaining 501s are parameter errors of MAIL and RCPT (DSN, SIZE, BODY, duplicates).
  if (code === 501) return { key: 'invalidArguments' };
  if (code >= 500) return { key: 'unrecognizedCommand' };
  return { key: 'serverError' };
}
