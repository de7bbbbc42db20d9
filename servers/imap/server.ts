// The IMAP listeners: 143-style (plain, STARTTLS required before sign-in) and 993-style
// (implicit TLS), reference §1.
import { ImapConnection } from './connection.js';
import type { ImapContext } from './context.js';
import { TEXTS } from './replies.js';
import { startLineListener, type LineListener } from '../wire/listener.js';

export function startImapListener(ctx: ImapContext, options: { host: string; port: number; implicitTls: boolean }): Promise<LineListener> {
  return startLineListener({
    host: options.host,
    port: options.port,
    implicitTls: options.implicitTls,
    certificate: ctx.certificate,
    ipConnections: ctx.ipConnections,
    graceMs: ctx.limits.shutdownGraceMs,
    refuse: (socket) => socket.write(`* BYE ${TEXTS.tooManyConnections.text}\r\n`),
    accept: (socket, secure) => {
      const session = new ImapConnection(socket, secure, ctx);
      session.greet();
      return session;
    },
  });
}
