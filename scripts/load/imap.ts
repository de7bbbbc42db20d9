// One IMAP sign-in session as a load script runs it: connect, greeting, LOGIN (or AUTHENTICATE
// XOAUTH2), LOGOUT. The outcome is the exact tagged answer to the sign-in.
import type { ConnectionOptions } from 'node:tls';
import { LineClient } from './line-client.js';
import type { SessionResult } from './runner.js';

export interface ImapSessionOptions {
  host: string;
  port: number;
  /** Implicit TLS (993-style) or plain (143-style; the server must allow sign-in without TLS). */
  tls?: ConnectionOptions;
  user: string;
  password?: string;
  accessToken?: string;
}

const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export async function imapLoginSession(o: ImapSessionOptions): Promise<SessionResult> {
  const client = await LineClient.connect(o.port, o.host, o.tls);
  try {
    await client.line();
    client.write(
      o.accessToken !== undefined
        ? `a AUTHENTICATE XOAUTH2 ${Buffer.from(`user=${o.user}\x01auth=Bearer ${o.accessToken}\x01\x01`).toString('base64')}\r\n`
        : `a LOGIN ${quote(o.user)} ${quote(o.password ?? '')}\r\n`,
    );
    const answer = await client.tagged('a');
    client.write('b LOGOUT\r\n');
    await client.tagged('b').catch(() => undefined);
    return { outcome: answer.slice(2) };
  } finally {
    client.close();
  }
}

/** Connects and signs in, then leaves the session open (for the idle-connections measurement). */
export async function imapIdleSession(o: ImapSessionOptions): Promise<{ answer: string; close(): void }> {
  const client = await LineClient.connect(o.port, o.host, o.tls);
  await client.line();
  client.write(`a LOGIN ${quote(o.user)} ${quote(o.password ?? '')}\r\n`);
  const answer = (await client.tagged('a')).slice(2);
  return { answer, close: () => client.close() };
}
