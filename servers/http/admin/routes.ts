// The admin REST API of Exchange Online's V3 management module (reference §1):
// `POST /adminapi/beta/{tenant}/InvokeCommand` with `{"CmdletInput":{"CmdletName","Parameters"}}`.
// It parses, checks who may run what, and hands the cmdlet to core/cmdlets — the same
// implementation the CLI reaches through the control API.
//
// Who may call (choices, recorded for the issue):
// - Tokens only: the V3 module has no Basic, so Basic gets the no-credentials 401 (gate's bearerOnly).
// - Delegated tokens need Exchange.Manage, app-only tokens Exchange.ManageAsApp (the gate, from the
//   protocol catalogue's `powershell` entry). An app-only caller also needs an Exchange service
//   principal (New-ServicePrincipal) — it stands in for the Entra role assignment Exchange Online
//   requires of the app; without one it gets RBAC's 401 below.
// - A delegated caller needs GlobalAdministrator or ExchangeAdministrator in the tenant; a
//   GlobalReader may run the Get- cmdlets (View-Only Organization Management). Anyone else gets
//   RBAC's captured refusal: 401 `User is not allowed to call <cmdlet>`.
// - `{tenant}` (GUID, name or domain) must be the token's own tenant. A token of tenant A at tenant
//   B's URL (or at a tenant that does not exist) holds no role there and gets the same 401 — the
//   real service's answer to a cross-tenant call is UNCONFIRMED; this keeps tenants from telling
//   whether another tenant exists.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { CmdletError, errors } from '../../../core/cmdlets/errors.js';
import { findCmdlet, runCmdlet } from '../../../core/cmdlets/registry.js';
import type { CmdletInput } from '../../../core/cmdlets/parse.js';
import { hasRole } from '../../../core/tenants/model.js';
import { decisionOf, signIn } from '../auth/gate.js';
import type { HttpContext } from '../context.js';
import { baseUrl } from '../urls.js';
import { cmdletFailure, ODATA_JSON, requestFailure, success, type AdminReply } from './replies.js';

/** The media types the API reads a CmdletInput from. */
const JSON_TYPES = ['application/json', 'application/*+json', 'text/json'];

function send(res: Response, reply: AdminReply): void {
  // Written as is: express's send() would re-format the OData media type's parameters.
  const body = Buffer.from(JSON.stringify(reply.body));
  res.status(reply.status).setHeader('Content-Type', ODATA_JSON);
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
}

/** The CmdletInput of a parsed body, or null when the body is not one. */
export function cmdletInput(body: unknown): CmdletInput | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const input = (body as { CmdletInput?: unknown }).CmdletInput;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null;
  const { CmdletName, Parameters } = input as { CmdletName?: unknown; Parameters?: unknown };
  if (typeof CmdletName !== 'string' || !CmdletName.trim()) return null;
  if (Parameters !== undefined && Parameters !== null && (typeof Parameters !== 'object' || Array.isArray(Parameters))) return null;
  return { CmdletName: CmdletName.trim(), Parameters: (Parameters ?? {}) as CmdletInput['Parameters'] };
}

export function adminApiRoutes(ctx: HttpContext): Router {
  const router = express.Router({ caseSensitive: false });
  const gate = signIn(ctx.auth, {
    protocol: 'powershell',
    bearerOnly: true,
    // X-AnchorMailbox only routes the call (the module sends `UPN:<admin>` or `APP:SystemMailbox{...}`):
    // it names no mailbox to open, so no mailbox permission is asked for.
    mailbox: () => undefined,
    mailboxOptional: true,
    // An app-only token whose app has no Exchange service principal signed in but holds no role.
    passThrough: ['no-mailbox-permission'],
  });
  const json = express.json({ limit: ctx.limits.httpMaxSmallBodyBytes, type: JSON_TYPES });

  router.post('/adminapi/beta/:tenant/InvokeCommand', gate, json, async (req: Request, res: Response) => {
    if (!req.is(JSON_TYPES)) return send(res, requestFailure('content-type'));
    const input = cmdletInput(req.body);
    if (!input) return send(res, requestFailure('body'));
    const decision = decisionOf(res);
    const tenant = decision.tenant!;
    const spec = findCmdlet(input.CmdletName);
    const target = ctx.directory.tenant(String(req.params.tenant));
    const now = ctx.clock.now();
    const signedIn = decision.outcome === 'ok';
    const admin = signedIn && (decision.credential === 'app-token' || (!!decision.user && hasRole(decision.user, now, 'GlobalAdministrator', 'ExchangeAdministrator')));
    const reader = signedIn && !!decision.user && hasRole(decision.user, now, 'GlobalReader');
    const allowed = target?.id === tenant.id && (admin || (reader && spec !== undefined && !spec.writes));
    try {
      if (!allowed) throw errors.notAllowed(spec?.name ?? input.CmdletName);
      const objects = await runCmdlet(ctx, tenant, input, 'rest');
      const contextUrl = `${baseUrl(req)}/adminapi/beta/${encodeURIComponent(String(req.params.tenant))}/$metadata#Collection(Exchange.GenericHashTable)`;
      ctx.log.info({ proto: 'adminapi', tenant: tenant.name, cmdlet: spec?.name, outcome: 'ok' }, 'cmdlet');
      send(res, success(contextUrl, objects));
    } catch (error) {
      if (!(error instanceof CmdletError)) throw error;
      ctx.log.info({ proto: 'adminapi', tenant: tenant.name, cmdlet: spec?.name ?? input.CmdletName.slice(0, 100), outcome: error.kind }, 'cmdlet refused');
      send(res, cmdletFailure(error));
    }
  });

  // Bodies the JSON parser refused (malformed, too large, bad charset): the API's error JSON,
  // never the generic handler's and never a stack trace.
  router.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (!req.path.toLowerCase().startsWith('/adminapi/') || res.headersSent) return next(err);
    if (err.type === 'entity.too.large') return send(res, requestFailure('too-large'));
    if (err.status && err.status >= 400 && err.status < 500) return send(res, requestFailure('body'));
    next(err);
  });
  return router;
}
