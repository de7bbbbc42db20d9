// The sign-in log for the emulator's operator, under the control API (/_exogate/signins, control
// token): what `exogate signins` pages through and downloads. The same list as Graph's (same
// $filter, $top, $skiptoken, same JSON), for any tenant (?tenant= GUID, name or domain; omitted:
// every tenant), plus `$count=true` for a progress bar's total; /export is the portal download.
import { Router } from 'express';
import type { HttpContext } from '../context.js';
import { graphError } from './auth.js';
import { FilterError } from './signins-filter.js';
import { failExport, readExportRequest, streamExport } from './signins-export.js';
import { absoluteUrl, listSignIns } from './signins.js';
import { SIGNINS_CONTEXT } from './signins-replies.js';

export function signInControlRoutes(ctx: HttpContext): Router {
  const router = Router();
  const sql = ctx.sql;
  /** The tenant asked for, '' for every tenant, or null when it does not exist (answered 404). */
  const tenantOf = (query: unknown): string | null => {
    if (query === undefined || query === '') return '';
    const tenant = typeof query === 'string' ? ctx.directory.tenant(query) : undefined;
    return tenant ? tenant.id : null;
  };

  router.get('/', async (req, res, next) => {
    try {
      const tenantId = tenantOf(req.query.tenant);
      if (tenantId === null) return res.status(404).json({ error: `no tenant ${String(req.query.tenant)}` });
      await listSignIns(
        req,
        res,
        {
          sql,
          tenantId: tenantId || undefined,
          collectionUrl: absoluteUrl(req, `${req.baseUrl}`),
          context: SIGNINS_CONTEXT['v1.0'],
          keep: typeof req.query.tenant === 'string' && req.query.tenant ? { tenant: req.query.tenant } : {},
        },
        { allowCount: true },
      );
    } catch (error) {
      next(error);
    }
  });

  router.get('/export', async (req, res, next) => {
    try {
      const tenantId = tenantOf(req.query.tenant);
      if (tenantId === null) return res.status(404).json({ error: `no tenant ${String(req.query.tenant)}` });
      let parsed;
      try {
        parsed = readExportRequest(req);
      } catch (error) {
        if (error instanceof FilterError || error instanceof RangeError) return graphError(res, 400, 'BadRequest', error.message);
        throw error;
      }
      await streamExport(res, { sql, tenantId: tenantId || undefined, ...parsed });
    } catch (error) {
      failExport(res, error, next);
    }
  });
  return router;
}
