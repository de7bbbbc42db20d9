// One IMAP sign-in session as a load script runs it: connect, greeting, (STARTTLS,) LOGIN or
// AUTHENTICATE XOAUTH2, an optional SELECT + FETCH, LOGOUT. The outcome is the exact tagged
// answer to the sign-in (and to the action, when one ran).
import type { ConnectionOptions } from 'node:tls';
import { LineClient, type TlsResume } from './line-client.js';
import type { SessionResult } from './runner.js';

export interface ImapSessionOptions {
  host: string;
  port: number;
  /** Implicit TLS (993-style), or STARTTLS on a plain port; neither: plain (the server must allow it). */
  tls?: ConnectionOptions;
  starttls?: boolean;
  /** Offer the run's last TLS session (resumption), as clients that keep one do. */
  resume?: TlsResume;
  user: string;
  password?: string;
  accessToken?: string;
  /** After a successful sign-in: SELECT INBOX, then FETCH the first ten messages' envelopes. */
  fetch?: boolean;
}

const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
/** Sessions of a load run share these: the answers are counted without their tag. */
const untag = (line: string) => line.slice(line.indexOf(' ') + 1);

export const xoauth2 = (user: string, token: string) => Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');

async function signIn(client: LineClient, o: ImapSessionOptions): Promise<string> {
  await client.line();
  if (o.starttls) {
    client.write('s STARTTLS\r\n');
    const ready = await client.tagged('s');
    if (!ready.startsWith('s OK')) return untag(ready);
    await client.starttls(o.tls ?? {}, o.resume);
  }
  client.write(o.accessToken !== undefined ? `a AUTHENTICATE XOAUTH2 ${xoauth2(o.user, o.accessToken)}\r\n` : `a LOGIN ${quote(o.user)} ${quote(o.password ?? '')}\r\n`);
  return untag(await client.tagged('a'));
}

export async function imapLoginSession(o: ImapSessionOptions): Promise<SessionResult> {
  const client = await LineClient.connect(o.port, o.host, o.starttls ? undefined : o.tls, o.resume);
  try {
    const answer = await signIn(client, o);
    let outcome = answer;
    if (o.fetch && answer.startsWith('OK')) {
      client.write('c SELECT INBOX\r\n');
      let exists = 0;
      let selected: string;
      for (;;) {
        const line = await client.line();
        const m = /^\* (\d+) EXISTS/.exec(line);
        if (m) exists = Number(m[1]);
        if (line.startsWith('c ')) {
          selected = untag(line);
          break;
        }
      }
      outcome += ` → ${selected}`;
      if (selected.startsWith('OK') && exists > 0) {
        client.write(`d FETCH 1:${Math.min(exists, 10)} (UID FLAGS ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n`);
        outcome += ` → ${untag(await client.tagged('d'))}`;
      }
    }
    client.write('b LOGOUT\r\n');
    await client.tagged('b').catch(() => undefined);
    return { outcome };
  } finally {
    client.close();
  }
}

/** Connects and signs in, then leaves the session open (for the idle-connections measurement). */
export async function imapIdleSession(o: ImapSessionOptions): Promise<{ answer: string; close(): void }> {
  const client = await LineClient.connect(o.port, o.host, o.starttls ? undefined : o.tls, o.resume);
  const answer = await signIn(client, o);
  return { answer, close: () => client.close() };
}
