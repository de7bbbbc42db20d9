// The POP3 listeners: 110-style (plain, STLS required before sign-in) and 995-style (implicit
// TLS), reference §1.
import { startLineListener, type LineListener } from '../wire/listener.js';
import { Pop3Connection } from './connection.js';
import type { Pop3Context } from './context.js';
import { TEXTS } from './replies.js';

export function startPop3Listener(ctx: Pop3Context, options: { host: string; port: number; implicitTls: boolean }): Promise<LineListener> {
  return startLineListener({
    host: options.host,
    port: options.port,
    implicitTls: options.implicitTls,
    certificate: ctx.certificate,
    ipConnections: ctx.ipConnections,
    graceMs: ctx.limits.shutdownGraceMs,
    refuse: (socket) => socket.write(`-ERR ${TEXTS.tooManyConnections.text}\r\n`),
    accept: (socket, secure) => {
      const session = new Pop3Connection(socket, secure, ctx);
      session.greet();
      return session;
    },
  });
}
