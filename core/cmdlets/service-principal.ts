// New-/Get-ServicePrincipal: the Exchange service principal an app-only token is matched to
// (reference §8.2). The token's `oid` is the enterprise application's object id, so -ObjectId must
// be that one, not the app registration's; Exchange does not check it, and neither does exogate —
// a wrong id is accepted here and shows up later as "authenticated but not connected".
import type { ServicePrincipal } from '../tenants/model.js';
import { errors } from './errors.js';
import { findServicePrincipal } from './identity.js';
import { OPTIONAL_IDENTITY, STRING, type CmdletObject, type CmdletSpec, type ParamSpec } from './spec.js';

const GUID: ParamSpec = { type: { kind: 'guid' }, mandatory: true };

function render(sp: ServicePrincipal): CmdletObject {
  return { DisplayName: sp.displayName, ServiceId: sp.objectId, AppId: sp.appId, ObjectId: sp.objectId, Identity: sp.objectId };
}

export const SERVICE_PRINCIPAL_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-ServicePrincipal',
    writes: true,
    // -ServiceId is the parameter's older name, still used by many scripts.
    params: { AppId: GUID, ObjectId: { ...GUID, aliases: ['ServiceId'] }, DisplayName: STRING },
    async run(ctx, args) {
      const appId = String(args.AppId).toLowerCase();
      const objectId = String(args.ObjectId).toLowerCase();
      const { tenant } = ctx;
      const clash = [...tenant.servicePrincipals.values()].some((s) => s.appId === appId || s.objectId === objectId);
      const elsewhere = ctx.directory.tenants().some((t) => t.id !== tenant.id && t.servicePrincipals.has(objectId));
      if (clash || elsewhere) throw errors.servicePrincipalExists(appId);
      const app = ctx.directory.app(appId);
      const sp: ServicePrincipal = {
        objectId,
        tenantId: tenant.id,
        appId,
        displayName: typeof args.DisplayName === 'string' ? args.DisplayName : (app?.displayName ?? appId),
      };
      await ctx.directory.write((w) => w.addServicePrincipal(tenant, sp, ctx.now));
      return [render(sp)];
    },
  },
  {
    name: 'Get-ServicePrincipal',
    writes: false,
    params: { Identity: OPTIONAL_IDENTITY },
    run(ctx, args) {
      if (args.Identity !== undefined) return [render(findServicePrincipal(ctx, String(args.Identity)))];
      return [...ctx.tenant.servicePrincipals.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)).map(render);
    },
  },
];
