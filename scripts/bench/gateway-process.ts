// A server under test, in its own process (pinned to its own core by the bench): either an
// exogate gateway, or the bare smtp-server ceiling (accepts every AUTH, nothing else).
// Prints one line "READY <json>" and runs until SIGTERM.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import express from 'express';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection';
import { startGateway } from '../../gateway.js';
import { BENCH_SEED } from './seed.js';

const mode = process.argv[2] ?? 'exogate';

async function main(): Promise<void> {
  if (mode === 'bare-smtp') {
    const [key, cert] = [readFileSync(process.argv[3], 'utf8'), readFileSync(process.argv[4], 'utf8')];
    // smtp-server waits 100 ms before its greeting to catch early talkers; exogate greets at
    // once, so the ceiling does too (the same override exogate makes), or it would measure the wait.
    class Bare extends SMTPServer {
      override connect(socket: Socket, options: ConstructorParameters<typeof SMTPConnection>[2]): void {
        const connection = new SMTPConnection(this, socket, options);
        connection.init = function (this: SMTPConnection) {
          this._setListeners(() => this.connectionReady());
        };
        this.connections.add(connection);
        connection.on('error', () => undefined);
        connection.init();
      }
    }
    const make = (secure: boolean) =>
      new Bare({
        secure,
        key,
        cert,
        logger: false,
        disableReverseLookup: true,
        allowInsecureAuth: true,
        authMethods: ['PLAIN', 'LOGIN'],
        onAuth: (_auth, _session, cb) => cb(null, { user: 'anyone' }),
      });
    const plain = make(false);
    const tls = make(true);
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
    const port = (s: SMTPServer) => (s.server.address() as { port: number }).port;
    console.log(`READY ${JSON.stringify({ smtp: port(plain), smtps: port(tls) })}`);
    process.on('SIGTERM', () => process.exit(0));
    return;
  }
  if (mode === 'bare-http') {
    // The HTTP ceiling: express over TLS with keep-alive, answering every request with a 401 and a
    // challenge and nothing else, as exogate's listener is configured (same TLS floor, same timeout).
    const [key, cert] = [readFileSync(process.argv[3], 'utf8'), readFileSync(process.argv[4], 'utf8')];
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use((_req, res) => {
      res.status(401).setHeader('WWW-Authenticate', 'Basic Realm=""');
      res.setHeader('Content-Length', '0');
      res.end();
    });
    const server = createHttpsServer({ key, cert, minVersion: 'TLSv1.2' }, app);
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    console.log(`READY ${JSON.stringify({ https: (server.address() as { port: number }).port })}`);
    process.on('SIGTERM', () => process.exit(0));
    return;
  }
  // A data folder, as `exogate start` runs (PGlite's in-memory filesystem slows as it grows).
  const dataDir = mkdtempSync(join(tmpdir(), 'exogate-bench-'));
  const gateway = await startGateway({
    dataDir,
    seed: BENCH_SEED,
    demo: false,
    ports: {},
    // Sign-in without TLS measures the sign-in path alone (Exchange never allows it); the classic
    // front end still takes Basic; 10,000 idle sessions come from one address.
    limits: { smtpAllowPlainAuth: true, mailAllowPlainLogin: true, mailFrontEnd: 'classic', maxConnectionsPerIp: 20_000, passwordHashCost: 12 },
  });
  console.log(`READY ${JSON.stringify({ ...gateway.ports, caCert: gateway.caCert, controlToken: gateway.controlToken, dataDir: null })}`);
  process.on('SIGTERM', async () => {
    const stats = gateway.core.signIns.stats;
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`STATS ${JSON.stringify(stats)}`);
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
