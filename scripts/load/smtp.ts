// One SMTP AUTH session as a load script runs it: connect, greeting, EHLO, (STARTTLS, EHLO,)
// AUTH, an optional send (MAIL FROM, RCPT TO, DATA), QUIT. Basic uses AUTH PLAIN; OAuth uses
// XOAUTH2 with a token the caller supplies.
import type { ConnectionOptions } from 'node:tls';
import { lastLine, LineClient, type TlsResume } from './line-client.js';
import { normalizeReply, type SessionResult } from './runner.js';
import { xoauth2 } from './imap.js';

export type SmtpTransport = 'plain' | 'starttls' | 'tls';

export interface SmtpSessionOptions {
  host: string;
  port: number;
  transport: SmtpTransport;
  tls?: ConnectionOptions;
  /** Offer the run's last TLS session (resumption), as clients that keep one do. */
  resume?: TlsResume;
  user: string;
  /** Basic: the password. */
  password?: string;
  /** OAuth: the access token. */
  accessToken?: string;
  /** After a successful AUTH: send a short message from the user to the user. */
  send?: boolean;
}

const message = (user: string) =>
  [`From: <${user}>`, `To: <${user}>`, 'Subject: exogate load', `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Sent by exogate load.', ''].join('\r\n');

export async function smtpAuthSession(o: SmtpSessionOptions): Promise<SessionResult> {
  const client = await LineClient.connect(o.port, o.host, o.transport === 'tls' ? o.tls : undefined, o.resume);
  try {
    await client.reply();
    await client.send('EHLO load.example');
    if (o.transport === 'starttls') {
      const ready = await client.send('STARTTLS');
      if (!ready.startsWith('220')) return { outcome: normalizeReply(lastLine(ready)) };
      await client.starttls(o.tls ?? {}, o.resume);
      await client.send('EHLO load.example');
    }
    const payload = o.accessToken !== undefined ? `XOAUTH2 ${xoauth2(o.user, o.accessToken)}` : `PLAIN ${Buffer.from(`\0${o.user}\0${o.password ?? ''}`).toString('base64')}`;
    const answer = normalizeReply(lastLine(await client.send(`AUTH ${payload}`)));
    let outcome = answer;
    if (o.send && answer.startsWith('235')) {
      // Each step's answer is part of what the run proves; the first refusal ends the send.
      for (const command of [`MAIL FROM:<${o.user}>`, `RCPT TO:<${o.user}>`, 'DATA']) {
        const reply = normalizeReply(lastLine(await client.send(command)));
        if (!/^[23]/.test(reply)) {
          outcome += ` → ${reply}`;
          break;
        }
        if (command === 'DATA') outcome += ` → ${normalizeReply(lastLine(await client.send(`${message(o.user)}.`)))}`;
      }
    }
    await client.send('QUIT').catch(() => undefined);
    return { outcome };
  } finally {
    client.close();
  }
}
