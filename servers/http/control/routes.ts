// The emulator's control API under /_exogate (DESIGN.md "Control API"), guarded by the
// gateway's control token: the clock, seed fragments, flushing, and a look into mailboxes.
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { CmdletError } from '../../../core/cmdlets/errors.js';
import { parseLine, runCmdlet } from '../../../core/cmdlets/registry.js';
import { SeedError } from '../../../core/tenants/seed-schema.js';
import type { HttpContext } from '../context.js';
import { signInControlRoutes } from '../graph/signins-control.js';

const BODY_LIMIT = '8mb';

function guard(token: string) {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req: Request, res: Response, next: NextFunction) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return res.status(401).set('WWW-Authenticate', 'Bearer realm="exogate control"').json({ error: 'the control API needs "Authorization: Bearer <controlToken>" (see endpoints.json)' });
    }
    next();
  };
}

function problem(res: Response, error: unknown): Response {
  if (error instanceof SeedError) return res.status(400).json({ error: 'invalid seed', problems: error.problems });
  if (error instanceof RangeError || error instanceof TypeError) return res.status(400).json({ error: error.message });
  throw error;
}

export function controlRoutes(ctx: HttpContext): Router {
  const router = express.Router();
  router.use(guard(ctx.controlToken));
  router.use(express.json({ limit: BODY_LIMIT }));
  router.use(express.text({ type: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'], limit: BODY_LIMIT }));

  router.get('/clock', (_req, res) => res.json({ now: ctx.control.now(), frozen: ctx.clock.frozen }));
  router.post('/clock', async (req, res) => {
    try {
      res.json({ now: await ctx.control.moveClock((req.body ?? {}) as { set?: string; advance?: string }) });
    } catch (error) {
      problem(res, error);
    }
  });

  // What a test harness needs to drive the programme without moving the clock (issue 5 item 8).
  router.post('/jobs/run', async (_req, res) => {
    const report = await ctx.control.runJobs();
    res.json({ now: ctx.control.now(), ...report });
  });

  router.post('/seed', async (req, res) => {
    try {
      const body = req.body as unknown;
      const effectiveAt = typeof req.query.effectiveAt === 'string' ? req.query.effectiveAt : undefined;
      // ?origin= names the seed in its problems (the CLI passes the file path), like a --seed file's.
      const origin = typeof req.query.origin === 'string' && req.query.origin ? req.query.origin : undefined;
      // ?reset=true (or "reset": true beside "seed"): the tenants the fragment names start over first.
      const reset = req.query.reset === 'true' || (!!body && typeof body === 'object' && (body as { reset?: unknown }).reset === true);
      const summary =
        typeof body === 'string'
          ? await ctx.control.seed(body, { effectiveAt, origin, reset })
          : body && typeof body === 'object' && 'seed' in body
            ? await ctx.control.seed((body as { seed: string | object }).seed, { effectiveAt: (body as { effectiveAt?: string }).effectiveAt ?? effectiveAt, origin, reset })
            : await ctx.control.seed((body ?? {}) as object, { effectiveAt, origin, reset });
      res.json(summary);
    } catch (error) {
      problem(res, error);
    }
  });

  // `exogate cmdlet`: one cmdlet line run as the tenant's administrator (the control token is the
  // operator's), through the same implementation as the admin REST API.
  router.post('/cmdlet', async (req, res) => {
    const body = (req.body ?? {}) as { tenant?: unknown; line?: unknown };
    if (typeof body.tenant !== 'string' || typeof body.line !== 'string') return res.status(400).json({ error: 'give "tenant" (GUID, name or domain) and "line" (the cmdlet line)' });
    const tenant = ctx.directory.tenant(body.tenant);
    if (!tenant) return res.status(404).json({ error: `no tenant ${body.tenant}` });
    let cmdlet = body.line.trim().split(/\s+/, 1)[0];
    try {
      const input = parseLine(body.line);
      cmdlet = input.CmdletName;
      res.json({ cmdlet, value: await runCmdlet(ctx, tenant, input, 'shell') });
    } catch (error) {
      if (!(error instanceof CmdletError)) throw error;
      res.status(error.kind === 'not-found' ? 404 : 400).json({ cmdlet, error: error.messageFor('shell'), kind: error.kind, type: error.type });
    }
  });

  router.post('/flush', async (_req, res) => {
    await ctx.control.flush();
    res.json({ flushed: true });
  });

  // `exogate signins`: the sign-in log of any tenant, paged as Graph pages it, and its download.
  router.use('/signins', signInControlRoutes(ctx));

  router.get('/mailboxes/:upn/messages', async (req, res) => {
    const folder = typeof req.query.folder === 'string' ? req.query.folder : 'INBOX';
    const messages = await ctx.control.messages(req.params.upn, folder);
    if (!messages) return res.status(404).json({ error: `no mailbox ${req.params.upn}` });
    res.json(messages.map((m) => ({ uid: m.uid, internalDate: m.internalDate.toISOString(), flags: m.flags, size: m.size, body: m.body.toString('utf8') })));
  });

  return router;
}
