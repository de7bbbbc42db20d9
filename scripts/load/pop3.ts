// One POP3 sign-in session as a load script runs it: connect, greeting, USER, PASS, QUIT. The
// outcome is the exact answer to PASS.
import type { ConnectionOptions } from 'node:tls';
import { LineClient } from './line-client.js';
import type { SessionResult } from './runner.js';

export interface Pop3SessionOptions {
  host: string;
  port: number;
  /** Implicit TLS (995-style) or plain (110-style; the server must allow sign-in without TLS). */
  tls?: ConnectionOptions;
  user: string;
  password: string;
}

export async function pop3LoginSession(o: Pop3SessionOptions): Promise<SessionResult> {
  const client = await LineClient.connect(o.port, o.host, o.tls);
  try {
    await client.line();
    client.write(`USER ${o.user}\r\n`);
    await client.line();
    client.write(`PASS ${o.password}\r\n`);
    const answer = await client.line();
    client.write('QUIT\r\n');
    await client.line().catch(() => undefined);
    return { outcome: answer };
  } finally {
    client.close();
  }
}
