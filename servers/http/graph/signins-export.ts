// The admin center's sign-in log download (reference §9.3): CSV or JSON, UTC timestamps, at most
// 100,000 records per file. When the filter matches more, the file holds the newest 100,000 and
// the response says so in EXPORT_NOTICE_HEADER (the count is known before the first byte: a
// bounded count of at most cap + 1). Rows are streamed from the store one page at a time, never
// gathered into one string, and a slow reader holds the stream back (backpressure).
//
// Mounted at /_exogate/signins/export (control token, any tenant) by signins-control.ts; the
// admin center can mount signInExportRoutes (Graph token, the caller's tenant) under /admin/api.
import { Router, type Request, type Response } from 'express';
import { countSignIns, streamSignIns, type SignInFilter } from '../../../core/signins/query.js';
import { toGraphSignIn } from '../../../core/signins/record.js';
import type { Sql } from '../../../core/store/sql.js';
import type { HttpContext } from '../context.js';
import { graphAuth, graphCaller, graphError } from './auth.js';
import { CSV_HEADER, csvRow } from './signins-csv.js';
import { FilterError, parseSignInFilter } from './signins-filter.js';
import { SIGNIN_READER_ROLES } from './signins.js';
import { EXPORT_CAPPED_MESSAGE, EXPORT_MAX_ROWS, EXPORT_NOTICE_HEADER, SIGNINS_MAX_TOP } from './signins-replies.js';

export type ExportFormat = 'csv' | 'json';

export interface ExportRequest {
  sql: Sql;
  tenantId?: string;
  format: ExportFormat;
  filter: SignInFilter | null;
  /** Defaults to EXPORT_MAX_ROWS (tests and embedders may lower it, never raise it). */
  maxRows?: number;
}

/** Streams the download; resolves when the last row is written or the reader went away. */
export async function streamExport(res: Response, request: ExportRequest): Promise<void> {
  const cap = Math.min(request.maxRows ?? EXPORT_MAX_ROWS, EXPORT_MAX_ROWS);
  const query = { tenantId: request.tenantId, filter: request.filter };
  const matching = await countSignIns(request.sql, query, cap + 1);
  const capped = matching > cap;
  const stamp = new Date().toISOString().slice(0, 10);
  res.status(200);
  res.setHeader('content-type', request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="InteractiveSignIns_${stamp}.${request.format}"`);
  res.setHeader('x-exogate-export-rows', String(Math.min(matching, cap)));
  if (capped) res.setHeader(EXPORT_NOTICE_HEADER, EXPORT_CAPPED_MESSAGE);
  let gone = false;
  res.once('close', () => (gone = true));
  const write = async (chunk: string) => {
    if (res.write(chunk) || gone) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  await write(request.format === 'csv' ? `\ufeff${CSV_HEADER}` : '[');
  let first = true;
  for await (const records of streamSignIns(request.sql, query, { max: cap, pageSize: SIGNINS_MAX_TOP })) {
    if (gone) return;
    let chunk = '';
    for (const record of records) {
      const signIn = toGraphSignIn(record);
      if (request.format === 'csv') chunk += csvRow(signIn);
      else {
        chunk += `${first ? '' : ','}\n${JSON.stringify(signIn)}`;
        first = false;
      }
    }
    await write(chunk);
  }
  res.end(request.format === 'csv' ? '' : '\n]\n');
}

/** A failure before the first byte is the app's 500; after it, the file is cut short, never completed with an error text. */
export function failExport(res: Response, error: unknown, next: (error: unknown) => void): void {
  if (res.headersSent) res.destroy();
  else next(error);
}

/** ?format=csv|json (default csv) and an optional $filter; throws FilterError / RangeError. */
export function readExportRequest(req: Request): { format: ExportFormat; filter: SignInFilter | null } {
  const format = req.query.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new RangeError('format is csv or json');
  const filterText = req.query.$filter;
  if (filterText !== undefined && typeof filterText !== 'string') throw new RangeError('give $filter once');
  return { format, filter: filterText?.trim() ? parseSignInFilter(filterText) : null };
}

/** The download for a Graph-token caller, of its own tenant (for the admin center to mount). */
export function signInExportRoutes(ctx: HttpContext): Router {
  const router = Router();
  const sql = ctx.sql;
  router.get('/', graphAuth(ctx, { permissions: ['AuditLog.Read.All'], roles: SIGNIN_READER_ROLES }), async (req, res, next) => {
    try {
      let parsed;
      try {
        parsed = readExportRequest(req);
      } catch (error) {
        if (error instanceof FilterError || error instanceof RangeError) return graphError(res, 400, 'BadRequest', error.message);
        throw error;
      }
      await streamExport(res, { sql, tenantId: graphCaller(res).tenant.id, ...parsed });
    } catch (error) {
      failExport(res, error, next);
    }
  });
  return router;
}
