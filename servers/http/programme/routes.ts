// The programme's JSON API under /admin/api (issue 5 items 1 and 4), which the admin center page
// and users' harnesses call: the Basic usage report and the self-service diagnostic.
//
// Who may call (choices, recorded for the issue): a Microsoft Graph token (the admin center signs
// in through the emulated identity platform) carrying any of Directory.Read.All,
// AuditLog.Read.All, ServiceMessage.Read.All or Reports.Read.All. The diagnostic then needs the
// caller to be a Global Administrator of the token's tenant (core/programme/diagnostic.ts, with
// its own texts for delegated admins and everyone else); the usage report also lets a Global
// Reader or Reports Reader in. App-only tokens are refused: the diagnostic is run by a person.
import express, { Router, type Response } from 'express';
import { isProtocolId } from '../../../core/protocols.js';
import { DAY_MS } from '../../../core/programme/schedule.js';
import { DIAGNOSTIC_TEXTS } from '../../../core/programme/texts.js';
import type { DiagnosticRefusal } from '../../../core/programme/diagnostic.js';
import { hasRole } from '../../../core/tenants/model.js';
import type { HttpContext } from '../context.js';
import { graphAuth, graphCaller, graphError } from '../graph/auth.js';
import { signInExportRoutes } from '../graph/signins-export.js';
import { refusalBody, refusalStatus } from './replies.js';

export const PROGRAMME_API_PERMISSIONS = ['Directory.Read.All', 'AuditLog.Read.All', 'ServiceMessage.Read.All', 'Reports.Read.All'] as const;
/** Longest usage report, in days (a bound on the answer; a year covers the whole programme's view). */
const MAX_USAGE_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function refused(res: Response, r: DiagnosticRefusal): void {
  res.status(refusalStatus(r.code)).json(refusalBody(r.code, r.message));
}

export function programmeRoutes(ctx: HttpContext): Router {
  const router = Router();
  // The admin center's sign-in log download (CSV or JSON, at most 100,000 rows a file): its own
  // Graph check (AuditLog.Read.All and a reports role), before the programme API's.
  router.use('/signins/export', signInExportRoutes(ctx));
  const programme = ctx.programme;
  router.use(graphAuth(ctx, { permissions: PROGRAMME_API_PERMISSIONS }));
  router.use(express.json({ limit: ctx.limits.httpMaxSmallBodyBytes }));

  router.get('/diagnostic', async (_req, res) => {
    const { tenant, user } = graphCaller(res);
    const result = await programme.diagnostic.runTests({ tenant, user });
    if (!result.ok) return refused(res, result);
    res.json(result);
  });

  router.post('/diagnostic', async (req, res) => {
    const { tenant, user } = graphCaller(res);
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const result = await programme.diagnostic.update({ tenant, user }, { action: body.action, protocol: body.protocol, acceptWarning: body.acceptWarning });
    if (!result.ok) return refused(res, result);
    res.json(result);
  });

  router.get('/usage', async (req, res) => {
    const { tenant, user } = graphCaller(res);
    const now = ctx.clock.now();
    if (!user || !hasRole(user, now, 'GlobalAdministrator', 'GlobalReader', 'ReportsReader')) {
      return res.status(403).json(refusalBody('notGlobalAdmin', DIAGNOSTIC_TEXTS.notGlobalAdmin.text));
    }
    const q = req.query as Record<string, unknown>;
    const protocol = typeof q.protocol === 'string' && q.protocol ? q.protocol : undefined;
    if (protocol !== undefined && !isProtocolId(protocol)) return graphError(res, 400, 'BadRequest', `Unknown protocol '${protocol.slice(0, 40)}'.`);
    const to = typeof q.to === 'string' && q.to ? q.to : new Date(now).toISOString().slice(0, 10);
    const from = typeof q.from === 'string' && q.from ? q.from : new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
    if (!DAY.test(from) || !DAY.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
      return graphError(res, 400, 'BadRequest', 'from and to are days: YYYY-MM-DD.');
    }
    const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (span < 1 || span > MAX_USAGE_DAYS) return graphError(res, 400, 'BadRequest', `from must not be after to, and the report covers at most ${MAX_USAGE_DAYS} days.`);
    const { days, clients } = await programme.usage({ tenantId: tenant.id, protocol, from, to });
    const max = ctx.limits.httpMaxPageItems;
    res.json({
      tenant: tenant.name,
      from,
      to,
      protocol: protocol ?? null,
      days,
      clients: clients.slice(0, max).map((c) => ({
        userPrincipalName: ctx.directory.userById(c.userId)?.upn ?? null,
        userId: c.userId,
        protocol: c.protocol,
        client: c.client,
        successes: c.successes,
        firstDay: c.firstDay,
        lastSeen: new Date(c.lastSeen).toISOString(),
      })),
      clientsTruncated: clients.length > max,
    });
  });

  return router;
}
