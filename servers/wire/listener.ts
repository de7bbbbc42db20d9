// A listener for a line protocol (IMAP, POP3): plain (STARTTLS comes later) or implicit TLS,
// a cap on connections per client address with the protocol's own refusal, and a registry of
// live sessions so that shutdown can say goodbye to each and metrics can count them.
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Counter } from './counter.js';
import { clientAddress, type WireConnection } from './connection.js';

export interface LineListenerOptions {
  host: string;
  port: number;
  implicitTls: boolean;
  /** The server certificate (implicit TLS); STARTTLS sessions use a context made from the same. */
  certificate: { key: string; cert: string };
  /** Connections per client address, shared by every listener of the protocol. */
  ipConnections: Counter;
  /** The protocol's words for "too many connections from your address"; the socket is then closed. */
  refuse: (socket: Socket) => void;
  /** Makes the session for an accepted socket. */
  accept: (socket: Socket, secure: boolean) => WireConnection;
  /** How long shutdown waits for sessions to leave after their goodbye. */
  graceMs: number;
}

export interface LineListener {
  readonly port: number;
  readonly sessions: ReadonlySet<WireConnection>;
  close(): Promise<void>;
}

export async function startLineListener(o: LineListenerOptions): Promise<LineListener> {
  const sessions = new Set<WireConnection>();
  const onSocket = (socket: Socket, secure: boolean) => {
    const address = clientAddress(socket);
    socket.on('error', () => undefined);
    if (!o.ipConnections.acquire(address)) {
      o.refuse(socket);
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    socket.once('close', () => o.ipConnections.release(address));
    const session = o.accept(socket, secure);
    sessions.add(session);
    socket.once('close', () => sessions.delete(session));
  };

  const server: Server = o.implicitTls
    ? createTlsServer({ key: o.certificate.key, cert: o.certificate.cert, minVersion: 'TLSv1.2' }, (socket) => onSocket(socket, true))
    : createNetServer((socket) => onSocket(socket, false));
  // A failed TLS handshake is the client's problem, never the process's.
  server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.onShutdown();
        const timer = setTimeout(() => {
          for (const session of sessions) session.destroy();
        }, o.graceMs);
        timer.unref();
      }),
  };
}
