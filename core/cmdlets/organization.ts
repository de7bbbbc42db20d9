// Get-/Set-OrganizationConfig and Enable-OrganizationCustomization (reference §6.1, §6.2, §6.5).
import { microsoftBlockedProtocols } from '../programme/blocks.js';
import { PROTOCOL_IDS, PROTOCOLS, blockedAppsValue, type ProtocolId } from '../protocols.js';
import type { Tenant } from '../tenants/model.js';
import { errors } from './errors.js';
import { findPolicy } from './identity.js';
import { STRING, type CmdletContext, type CmdletObject, type CmdletSpec } from './spec.js';

/** The protocols BasicAuthBlockedApps has a bit for (§6.2), lowest bit first, as .NET lists [Flags]. */
const FLAGGED: readonly ProtocolId[] = PROTOCOL_IDS.filter((id) => PROTOCOLS[id].blockedAppsFlag !== null).sort(
  (a, b) => PROTOCOLS[a].blockedAppsFlag! - PROTOCOLS[b].blockedAppsFlag!,
);

/**
 * BasicAuthBlockedApps as Get-OrganizationConfig shows it: `None` when Microsoft blocks nothing
 * (§6.2). How a non-zero value renders is UNCONFIRMED (§6.2); exogate renders it as a .NET [Flags]
 * enum does — member names joined with ", " — naming each member after its protocol's
 * AllowBasicAuth* switch (ActiveSync, WebServices, Pop, Imap, ...). The number itself travels in the
 * JSON as the OData annotation `BasicAuthBlockedApps@exogate.flags`.
 */
function basicAuthBlockedApps(tenant: Tenant, now: number): { text: string; flags: number } {
  const blocked = microsoftBlockedProtocols(tenant, now, FLAGGED);
  const flags = blockedAppsValue(blocked);
  if (!flags) return { text: 'None', flags };
  return { text: blocked.map((id) => PROTOCOLS[id].authPolicySwitch.replace(/^AllowBasicAuth/, '')).join(', '), flags };
}

function displayName(tenant: Tenant): string {
  return tenant.name.charAt(0).toUpperCase() + tenant.name.slice(1);
}

function organizationConfig(ctx: CmdletContext): CmdletObject {
  const { tenant, now } = ctx;
  const blocked = basicAuthBlockedApps(tenant, now);
  return {
    Name: tenant.domains[0],
    DisplayName: displayName(tenant),
    Identity: tenant.domains[0],
    IsDehydrated: tenant.org.get('dehydrated', now),
    DefaultAuthenticationPolicy: tenant.org.get('defaultAuthenticationPolicy', now),
    BasicAuthBlockedApps: blocked.text,
    'BasicAuthBlockedApps@exogate.flags': blocked.flags,
  };
}

export const ORGANIZATION_CMDLETS: CmdletSpec[] = [
  {
    name: 'Get-OrganizationConfig',
    writes: false,
    params: {},
    run: (ctx) => [organizationConfig(ctx)],
  },
  {
    // BasicAuthBlockedApps and IsDehydrated are read-only: they are not parameters, so setting them
    // gets the binder's parameter-not-found error, as in Exchange Online.
    name: 'Set-OrganizationConfig',
    writes: true,
    params: { DefaultAuthenticationPolicy: { ...STRING, nullable: true } },
    async run(ctx, args) {
      if (args.DefaultAuthenticationPolicy === undefined) return [];
      const name = args.DefaultAuthenticationPolicy === null ? null : findPolicy(ctx, String(args.DefaultAuthenticationPolicy)).name;
      await ctx.directory.write((w) => w.setOrg(ctx.tenant, 'defaultAuthenticationPolicy', name, ctx.now, ctx.now));
      return [];
    },
  },
  {
    // Runs once; the organization then stays hydrated and a second run errors (§0, §6.5).
    name: 'Enable-OrganizationCustomization',
    writes: true,
    params: {},
    async run(ctx) {
      if (!ctx.tenant.org.get('dehydrated', ctx.now)) throw errors.alreadyCustomized();
      await ctx.directory.write((w) => w.setOrg(ctx.tenant, 'dehydrated', false, ctx.now, ctx.now));
      return [];
    },
  },
];

/** Organization-level customizations are refused while the organization is dehydrated (§6.5). */
export function requireHydrated(ctx: CmdletContext): void {
  if (ctx.tenant.org.get('dehydrated', ctx.now)) throw errors.dehydrated();
}
