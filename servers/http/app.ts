// The one HTTPS listener: every HTTP endpoint of Exchange Online and the identity platform,
// routed by path as the real services are (DESIGN.md "Interfaces"). Routes are registered
// here, in one place; each protocol's routes live in their own folder.
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { HttpContext } from './context.js';
import { controlRoutes } from './control/routes.js';
import { identityRoutes } from './identity/routes.js';

export interface HttpsListenerOptions {
  host: string;
  port: number;
  key: string;
  cert: string;
}

export interface HttpsListener {
  readonly port: number;
  close(): Promise<void>;
}

export function createApp(ctx: HttpContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use('/_exogate', controlRoutes(ctx));
  app.use(identityRoutes(ctx));

  app.get('/', (_req, res) => {
    res.type('text/plain').send('exogate: an emulator of Exchange Online\'s client-access front door. See /_exogate (control API) and the README.\n');
  });

  app.use((_req, res) => {
    res.status(404).type('text/html').send('<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head><body><h2>404 - File or directory not found.</h2></body></html>');
  });

  // No stack trace ever reaches the wire: body-parser errors keep their 4xx, the rest is a 500.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) ctx.log.error({ err }, 'unhandled error in an HTTP route');
    if (!res.headersSent) res.status(status).json({ error: status === 500 ? 'internal server error' : err.type ?? 'bad request' });
  });
  return app;
}

export async function startHttpsListener(ctx: HttpContext, options: HttpsListenerOptions): Promise<HttpsListener> {
  const app = createApp(ctx);
  const server: Server = createServer({ key: options.key, cert: options.cert, minVersion: 'TLSv1.2' }, app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, ctx.limits.shutdownGraceMs);
        timer.unref();
      }),
  };
}
