// One SMTP AUTH session as a load script runs it: connect, greeting, EHLO, (STARTTLS, EHLO,)
// AUTH, QUIT. Basic uses AUTH PLAIN; OAuth uses XOAUTH2 with a token the caller supplies.
import type { ConnectionOptions } from 'node:tls';
import { lastLine, LineClient } from './line-client.js';
import { normalizeReply, type SessionResult } from './runner.js';

export type SmtpTransport = 'plain' | 'starttls' | 'tls';

export interface SmtpSessionOptions {
  host: string;
  port: number;
  transport: SmtpTransport;
  tls?: ConnectionOptions;
  user: string;
  /** Basic: the password. */
  password?: string;
  /** OAuth: the access token. */
  accessToken?: string;
}

export async function smtpAuthSession(o: SmtpSessionOptions): Promise<SessionResult> {
  const client = await LineClient.connect(o.port, o.host, o.transport === 'tls' ? o.tls : undefined);
  try {
    await client.reply();
    await client.send('EHLO load.example');
    if (o.transport === 'starttls') {
      const ready = await client.send('STARTTLS');
      if (!ready.startsWith('220')) throw new Error(`STARTTLS refused: ${ready}`);
      await client.starttls(o.tls ?? {});
      await client.send('EHLO load.example');
    }
    const payload =
      o.accessToken !== undefined
        ? `XOAUTH2 ${Buffer.from(`user=${o.user}\x01auth=Bearer ${o.accessToken}\x01\x01`).toString('base64')}`
        : `PLAIN ${Buffer.from(`\0${o.user}\0${o.password ?? ''}`).toString('base64')}`;
    const answer = lastLine(await client.send(`AUTH ${payload}`));
    await client.send('QUIT');
    return { outcome: normalizeReply(answer) };
  } finally {
    client.close();
  }
}
