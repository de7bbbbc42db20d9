// The Microsoft 365 admin center, emulated, under /admin (issue 5 item 7): sign-in through the
// emulated identity platform, then the self-service diagnostic, Message Center, sign-in logs and
// the Basic usage report, for a Global Administrator of the tenant.
//
// How the pages reach the APIs (a choice, recorded for the issue): the browser never holds the
// Graph token. Page scripts call /admin/data/..., which takes the session cookie, checks it (and,
// for a change, the CSRF header), puts the session's token in the request's Authorization header
// and hands the request, in-process, to the very routers that serve /admin/api (programme),
// /v1.0 (Graph) and the sign-in download: the same checks and answers as for any other caller.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { hasRole, type Tenant, type User } from '../../../core/tenants/model.js';
import type { HttpContext } from '../context.js';
import { graphRoutes } from '../graph/routes.js';
import { signInExportRoutes } from '../graph/signins-export.js';
import { programmeRoutes } from '../programme/routes.js';
import { ADMIN_CSS, ADMIN_JS } from './client.js';
import { layout, type Viewer } from './layout.js';
import { diagnosticBody, forbiddenBody, messageBody, messagesBody, signInsBody, usageBody } from './pages.js';
import { PENDING_COOKIE, PENDING_SIGNIN_MS, SESSION_COOKIE, SessionStore, type AdminSession } from './sessions.js';
import { authorizeUrl, freshToken, redeemCode, redirectUri } from './signin.js';
import { ADMIN_TEXTS } from './texts.js';

export const CSRF_HEADER = 'x-exogate-csrf';

const PAGES: Readonly<Record<string, { title: string; body: () => string; chart?: boolean }>> = {
  diagnostic: { title: 'Enable Basic authentication in Exchange Online', body: diagnosticBody },
  messages: { title: 'Message center', body: messagesBody },
  signins: { title: 'Sign-in logs', body: signInsBody },
  usage: { title: 'Basic authentication usage', body: usageBody, chart: true },
};

/** uPlot's browser build and style sheet, read once from node_modules (never copied into the repo). */
function uplotAsset(file: string): Buffer {
  return readFileSync(createRequire(import.meta.url).resolve(`uplot/dist/${file}`));
}

function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function setCookie(res: Response, name: string, value: string, maxAgeMs: number): void {
  res.append('Set-Cookie', `${name}=${value}; Path=/admin; Max-Age=${Math.floor(maxAgeMs / 1000)}; HttpOnly; Secure; SameSite=Lax`);
}

const clearCookie = (res: Response, name: string) => setCookie(res, name, '', 0);

/** Pages are never cached or framed, and run only the admin center's own scripts. */
function pageHeaders(res: Response): Response {
  return res.set({
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
}

/** A path under /admin to come back to after signing in; anything else goes to the diagnostic. */
function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/admin\/(diagnostic|messages|signins|usage)$/.test(value) ? value : '/admin/diagnostic';
}

interface Signed {
  session: AdminSession;
  tenant: Tenant;
  user: User;
}

export function adminCenterRoutes(ctx: HttpContext): Router {
  const router = Router();
  const sessions = new SessionStore({ max: ctx.limits.adminSessionMax, idleMs: ctx.limits.adminSessionIdleMs, maxAgeMs: ctx.limits.adminSessionMaxAgeMs });
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  const assets = new Map<string, { type: string; body: string | Buffer }>([
    ['admin.js', { type: 'text/javascript; charset=utf-8', body: ADMIN_JS }],
    ['admin.css', { type: 'text/css; charset=utf-8', body: ADMIN_CSS }],
    ['uPlot.iife.min.js', { type: 'text/javascript; charset=utf-8', body: uplotAsset('uPlot.iife.min.js') }],
    ['uPlot.min.css', { type: 'text/css; charset=utf-8', body: uplotAsset('uPlot.min.css') }],
  ]);

  router.get('/assets/:file', (req, res, next) => {
    const asset = assets.get(String(req.params.file));
    if (!asset) return next();
    res.set({ 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' }).type(asset.type).send(asset.body);
  });

  /** The signed-in session with its tenant and user, or undefined (the cookie is then cleared). */
  const signedIn = (req: Request, res: Response): Signed | undefined => {
    const id = cookies(req)[SESSION_COOKIE];
    const session = sessions.get(id);
    const tenant = session && ctx.directory.tenant(session.tenantId);
    const user = session && ctx.directory.userById(session.userId);
    if (session && tenant && user && user.tenantId === tenant.id) return { session, tenant, user };
    if (id) {
      sessions.end(id);
      clearCookie(res, SESSION_COOKIE);
    }
    return undefined;
  };

  const startSignIn = (req: Request, res: Response, returnTo: string) => {
    const pending = sessions.startSignIn({ redirectUri: redirectUri(req), returnTo });
    // The state is bound to this browser: a callback carrying another browser's state is refused.
    setCookie(res, PENDING_COOKIE, pending.state, PENDING_SIGNIN_MS);
    pageHeaders(res).redirect(302, authorizeUrl(pending));
  };

  const viewer = (s: Signed): Viewer => ({ upn: s.user.upn, displayName: s.user.displayName || s.user.upn, tenant: s.tenant.domains[0] ?? s.tenant.name, csrf: s.session.csrf });

  const forbidden = async (res: Response, s: Signed) => {
    // A delegated admin (or anyone else) is told why by the diagnostic itself, in its own words.
    const programme = ctx.programme;
    const tests = programme ? await programme.diagnostic.runTests({ tenant: s.tenant, user: s.user }) : null;
    const text = tests && !tests.ok ? tests.message : null;
    pageHeaders(res)
      .status(403)
      .type('html')
      .send(layout({ title: ADMIN_TEXTS.forbiddenTitle, page: 'forbidden', now: ctx.clock.now(), viewer: viewer(s), body: forbiddenBody(text) }));
  };

  router.get('/', (req, res) => {
    if (signedIn(req, res)) return res.redirect(302, safeReturnTo(req.query.returnTo));
    startSignIn(req, res, safeReturnTo(req.query.returnTo));
  });

  router.get('/callback', async (req, res, next) => {
    try {
      const q = req.query as Record<string, unknown>;
      const state = typeof q.state === 'string' ? q.state : undefined;
      const bound = cookies(req)[PENDING_COOKIE];
      clearCookie(res, PENDING_COOKIE);
      const pending = state && bound === state ? sessions.takeSignIn(state) : undefined;
      const fail = (text: string, status = 400) =>
        pageHeaders(res)
          .status(status)
          .type('html')
          .send(layout({ title: ADMIN_TEXTS.signInFailedTitle, page: 'error', now: ctx.clock.now(), body: messageBody(text, { href: '/admin', label: ADMIN_TEXTS.signInAgain }) }));
      if (!pending) return fail(ADMIN_TEXTS.stateMismatch);
      if (typeof q.error === 'string') return fail(`${ADMIN_TEXTS.signInError} ${typeof q.error_description === 'string' ? q.error_description.slice(0, 500) : q.error.slice(0, 100)}`);
      if (typeof q.code !== 'string' || !q.code) return fail(ADMIN_TEXTS.signInError);
      const result = await redeemCode(ctx, req, pending, q.code);
      if (!result.ok) return fail(`${ADMIN_TEXTS.signInError} ${result.error}`);
      const session = sessions.create(result.redeemed);
      setCookie(res, SESSION_COOKIE, session.id, ctx.limits.adminSessionMaxAgeMs);
      ctx.log.info({ proto: 'admin', event: 'sign-in', tenant: result.redeemed.tenantId, user: result.redeemed.userId }, 'admin center sign-in');
      pageHeaders(res).redirect(302, pending.returnTo);
    } catch (error) {
      next(error);
    }
  });

  router.post('/logout', form, (req, res) => {
    const s = signedIn(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (s && body.csrf !== s.session.csrf) return res.status(403).type('text/plain').send(ADMIN_TEXTS.csrf);
    if (s) sessions.end(s.session.id);
    clearCookie(res, SESSION_COOKIE);
    res.redirect(303, '/admin/signed-out');
  });

  router.get('/signed-out', (_req, res) => {
    pageHeaders(res)
      .type('html')
      .send(layout({ title: ADMIN_TEXTS.signedOutTitle, page: 'signed-out', now: ctx.clock.now(), body: messageBody(ADMIN_TEXTS.signedOut, { href: '/admin', label: ADMIN_TEXTS.signInAgain }) }));
  });

  router.get('/:page', async (req, res, next) => {
    try {
      const name = String(req.params.page);
      if (!Object.hasOwn(PAGES, name)) return next();
      const spec = PAGES[name];
      const s = signedIn(req, res);
      if (!s) return startSignIn(req, res, safeReturnTo(req.path));
      if (!hasRole(s.user, ctx.clock.now(), 'GlobalAdministrator')) return await forbidden(res, s);
      pageHeaders(res)
        .type('html')
        .send(layout({ title: spec.title, page: name, now: ctx.clock.now(), viewer: viewer(s), body: spec.body(), chart: spec.chart }));
    } catch (error) {
      next(error);
    }
  });

  // --- the pages' data, through the session (see the head of this file) ---
  const data = Router();
  data.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const s = signedIn(req, res);
      const expired = () => res.status(401).json({ error: { code: 'sessionExpired', message: ADMIN_TEXTS.sessionExpired } });
      if (!s) return expired();
      if (!hasRole(s.user, ctx.clock.now(), 'GlobalAdministrator')) return res.status(403).json({ error: { code: 'forbidden', message: ADMIN_TEXTS.forbidden } });
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.get(CSRF_HEADER) !== s.session.csrf) return res.status(403).json({ error: { code: 'csrf', message: ADMIN_TEXTS.csrf } });
      if (!(await freshToken(ctx, req, s.session))) {
        sessions.end(s.session.id);
        clearCookie(res, SESSION_COOKIE);
        return expired();
      }
      req.headers.authorization = `Bearer ${s.session.accessToken}`;
      res.set('Cache-Control', 'no-store');
      next();
    } catch (error) {
      next(error);
    }
  });
  data.use('/api', programmeRoutes(ctx));
  data.use('/graph', graphRoutes(ctx));
  data.use('/export', signInExportRoutes(ctx));
  data.use((_req, res) => res.status(404).json({ error: { code: 'notFound', message: ADMIN_TEXTS.noSuchData } }));
  router.use('/data', data);

  return router;
}
