// One POP3 sign-in session as a load script runs it: connect, greeting, (STLS,) USER + PASS or
// AUTH XOAUTH2 (the two-line form: Exchange's 512-byte command limit refuses the one-line one),
// an optional STAT + RETR, QUIT. The outcome is the exact answer to the sign-in.
import type { ConnectionOptions } from 'node:tls';
import { LineClient, type TlsResume } from './line-client.js';
import type { SessionResult } from './runner.js';
import { xoauth2 } from './imap.js';

export interface Pop3SessionOptions {
  host: string;
  port: number;
  /** Implicit TLS (995-style), or STLS on a plain port; neither: plain (the server must allow it). */
  tls?: ConnectionOptions;
  starttls?: boolean;
  /** Offer the run's last TLS session (resumption), as clients that keep one do. */
  resume?: TlsResume;
  user: string;
  password?: string;
  accessToken?: string;
  /** After a successful sign-in: STAT, then RETR of the first message when there is one. */
  fetch?: boolean;
}

/** Reads a multi-line answer to its terminating "." and returns the status line. */
async function multiline(client: LineClient): Promise<string> {
  const status = await client.line();
  if (!status.startsWith('+OK')) return status;
  while ((await client.line()) !== '.');
  return status;
}

export async function pop3LoginSession(o: Pop3SessionOptions): Promise<SessionResult> {
  const client = await LineClient.connect(o.port, o.host, o.starttls ? undefined : o.tls, o.resume);
  try {
    await client.line();
    if (o.starttls) {
      client.write('STLS\r\n');
      const ready = await client.line();
      if (!ready.startsWith('+OK')) return { outcome: ready };
      await client.starttls(o.tls ?? {}, o.resume);
    }
    let answer: string;
    if (o.accessToken !== undefined) {
      client.write('AUTH XOAUTH2\r\n');
      const go = await client.line();
      if (!go.startsWith('+')) return { outcome: go };
      client.write(`${xoauth2(o.user, o.accessToken)}\r\n`);
      answer = await client.line();
    } else {
      client.write(`USER ${o.user}\r\n`);
      await client.line();
      client.write(`PASS ${o.password ?? ''}\r\n`);
      answer = await client.line();
    }
    let outcome = answer;
    if (o.fetch && answer.startsWith('+OK')) {
      client.write('STAT\r\n');
      const stat = await client.line();
      outcome += ` → ${stat.replace(/^\+OK \d+ \d+/, '+OK n size')}`;
      if (/^\+OK [1-9]/.test(stat)) {
        client.write('RETR 1\r\n');
        outcome += ` → ${(await multiline(client)).replace(/^\+OK.*$/, '+OK message')}`;
      }
    }
    client.write('QUIT\r\n');
    await client.line().catch(() => undefined);
    return { outcome };
  } finally {
    client.close();
  }
}
