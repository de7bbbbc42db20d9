// The one HTTPS listener: every HTTP endpoint of Exchange Online and the identity platform,
// routed by path as the real services are (DESIGN.md "Interfaces"). Routes are registered
// here, in one place; each protocol's routes live in their own folder.
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { HttpContext } from './context.js';
import { adminApiRoutes } from './admin/routes.js';
import { adminCenterRoutes } from './admincenter/routes.js';
import { exchangeHeaders } from './auth/headers.js';
import { autodiscoverRoutes } from './autodiscover/routes.js';
import { controlRoutes } from './control/routes.js';
import { easRoutes } from './eas/routes.js';
import { ewsRoutes } from './ews/routes.js';
import { graphRoutes } from './graph/routes.js';
import { identityRoutes } from './identity/routes.js';
import { outlookRoutes } from './outlook/routes.js';
import { powershellRoutes } from './powershell/routes.js';
import { programmeRoutes } from './programme/routes.js';
import { reportingRoutes } from './reporting/routes.js';

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

/** Path prefixes Exchange Online serves on the HTTPS listener (DESIGN.md "Interfaces"), any case as IIS matches. */
export const EXCHANGE_PATH = /^\/(ews|microsoft-server-activesync|autodiscover|mapi|rpc|oab|powershell-liveid|ecp\/reportingwebservice|adminapi)(\/|$)/i;

export function createApp(ctx: HttpContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  // Exchange Online's own endpoints: each response carries the front end's diagnostic headers.
  // Paths match case-insensitively, as IIS does (clients send /ews/exchange.asmx too). The first
  // path segment picks the protocol's routes directly, so a request (the load a load test makes)
  // meets only its own protocol's layers, never the identity routes' or another protocol's.
  const headers = exchangeHeaders(ctx.frontEnds);
  const outlook = outlookRoutes(ctx);
  const byPrefix = new Map<string, express.Router>([
    ['ews', ewsRoutes(ctx)],
    ['microsoft-server-activesync', easRoutes(ctx)],
    ['autodiscover', autodiscoverRoutes(ctx)],
    ['mapi', outlook],
    ['rpc', outlook],
    ['oab', outlook],
    ['powershell-liveid', powershellRoutes(ctx)],
    ['ecp/reportingwebservice', reportingRoutes(ctx)],
    ['adminapi', adminApiRoutes(ctx)],
  ]);
  app.use((req, res, next) => {
    const match = EXCHANGE_PATH.exec(req.path);
    if (!match) return next();
    headers(req, res, () => byPrefix.get(match[1].toLowerCase())!(req, res, next));
  });

  app.use('/_exogate', controlRoutes(ctx));
  app.use(identityRoutes(ctx));
  app.use(graphRoutes(ctx));
  app.use('/admin/api', programmeRoutes(ctx));
  app.use('/admin', adminCenterRoutes(ctx));

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
