// New-/Set-/Get-/Remove-AuthenticationPolicy (reference §6.1). Every AllowBasicAuth* switch is
// False on a new policy (Basic blocked); a bare switch turns it on, `-Switch:$false` off. The name
// is fixed at creation (Set- has no -Name). All but Get- are organization customizations, refused
// on a dehydrated organization until Enable-OrganizationCustomization (§6.5; UNCONFIRMED for these
// cmdlets in particular, "likely" per the reference).
import { PROTOCOL_IDS, PROTOCOLS, type ProtocolId } from '../protocols.js';
import type { AuthenticationPolicy } from '../tenants/model.js';
import { errors } from './errors.js';
import { allPolicies, findPolicy } from './identity.js';
import { requireHydrated } from './organization.js';
import { domainControllerOf, policyDn } from './render.js';
import { IDENTITY, OPTIONAL_IDENTITY, SWITCH, type CmdletContext, type CmdletObject, type CmdletSpec, type BoundArgs, type ParamSpec } from './spec.js';

/**
 * The switches Exchange Online's cmdlet has (§6.1), in its alphabetical order. AllowBasicAuthRest
 * is left out: Set-AuthenticationPolicy documents it as not applying to Exchange Online, so a
 * policy created here blocks it and no cmdlet turns it on.
 */
const SWITCHED: readonly ProtocolId[] = PROTOCOL_IDS.filter((id) => id !== 'rest').sort((a, b) =>
  PROTOCOLS[a].authPolicySwitch.localeCompare(PROTOCOLS[b].authPolicySwitch),
);

const SWITCH_PARAMS: Record<string, ParamSpec> = Object.fromEntries(SWITCHED.map((id) => [PROTOCOLS[id].authPolicySwitch, SWITCH]));

function render(ctx: CmdletContext, policy: AuthenticationPolicy): CmdletObject {
  const out: CmdletObject = { Name: policy.name, Identity: policy.name, DistinguishedName: policyDn(ctx.tenant, policy.name) };
  // A protocol a seed did not name stays allowed (DESIGN.md's seed): only an explicit false blocks.
  for (const id of SWITCHED) out[PROTOCOLS[id].authPolicySwitch] = policy.allowBasic[id] !== false;
  return out;
}

function applySwitches(policy: AuthenticationPolicy, args: BoundArgs): AuthenticationPolicy {
  const allowBasic = { ...policy.allowBasic };
  for (const id of SWITCHED) {
    const value = args[PROTOCOLS[id].authPolicySwitch];
    if (typeof value === 'boolean') allowBasic[id] = value;
  }
  return { name: policy.name, allowBasic };
}

/** Users whose own assignment names the policy, and whether it is the organization's default. */
function inUse(ctx: CmdletContext, name: string): boolean {
  const key = name.toLowerCase();
  if (ctx.tenant.org.get('defaultAuthenticationPolicy', ctx.now)?.toLowerCase() === key) return true;
  for (const user of ctx.tenant.users.values()) if (user.settings.get('authenticationPolicy', ctx.now)?.toLowerCase() === key) return true;
  return false;
}

export const AUTHENTICATION_POLICY_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-AuthenticationPolicy',
    writes: true,
    params: { Name: IDENTITY, ...SWITCH_PARAMS },
    async run(ctx, args) {
      requireHydrated(ctx);
      const name = String(args.Name).trim();
      if (!name) throw errors.nullOrEmpty('Name');
      if (allPolicies(ctx).some((p) => p.name.toLowerCase() === name.toLowerCase())) {
        throw errors.alreadyExists(domainControllerOf(ctx.tenant), policyDn(ctx.tenant, name));
      }
      const blocked = Object.fromEntries(PROTOCOL_IDS.map((id) => [id, false])) as Record<ProtocolId, boolean>;
      const policy = applySwitches({ name, allowBasic: blocked }, args);
      await ctx.directory.write((w) => w.setPolicy(ctx.tenant, name, policy, ctx.now, ctx.now));
      return [render(ctx, policy)];
    },
  },
  {
    name: 'Set-AuthenticationPolicy',
    writes: true,
    params: { Identity: IDENTITY, ...SWITCH_PARAMS },
    async run(ctx, args) {
      requireHydrated(ctx);
      const current = findPolicy(ctx, String(args.Identity));
      const policy = applySwitches(current, args);
      await ctx.directory.write((w) => w.setPolicy(ctx.tenant, current.name, policy, ctx.now, ctx.now));
      return [];
    },
  },
  {
    name: 'Get-AuthenticationPolicy',
    writes: false,
    params: { Identity: OPTIONAL_IDENTITY },
    run(ctx, args) {
      const policies = args.Identity === undefined ? allPolicies(ctx) : [findPolicy(ctx, String(args.Identity))];
      return policies.map((p) => render(ctx, p));
    },
  },
  {
    name: 'Remove-AuthenticationPolicy',
    writes: true,
    params: { Identity: IDENTITY },
    async run(ctx, args) {
      requireHydrated(ctx);
      const policy = findPolicy(ctx, String(args.Identity));
      // UNCONFIRMED (errors.ts): Exchange's behaviour for a policy still assigned is not captured;
      // refusing keeps users from pointing at a policy that no longer exists.
      if (inUse(ctx, policy.name)) throw errors.policyInUse(policy.name);
      await ctx.directory.write((w) => w.setPolicy(ctx.tenant, policy.name, null, ctx.now, ctx.now));
      return [];
    },
  },
];
