// -Identity as Exchange resolves it, always inside the caller's tenant: a user by GUID, UPN
// (= primary SMTP address here), alias or display name; a policy by name; a service principal by
// object id, app id or display name. No match is ManagementObjectNotFoundException, more than one
// is the "matches multiple entries" error, as Exchange answers.
import { policyAt, type AuthenticationPolicy, type ServicePrincipal, type User } from '../tenants/model.js';
import { CmdletError, errors } from './errors.js';
import { domainControllerOf } from './render.js';
import type { CmdletContext } from './spec.js';

export const aliasOf = (user: User) => user.upn.slice(0, user.upn.indexOf('@'));

function one<T>(ctx: CmdletContext, identity: string, matches: T[]): T {
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw errors.ambiguous(identity);
  throw errors.notFound(identity, domainControllerOf(ctx.tenant));
}

export function findUser(ctx: CmdletContext, identity: string): User {
  const key = identity.trim().toLowerCase();
  const users = [...ctx.tenant.users.values()];
  const exact = users.filter((u) => u.id === key || u.upn === key);
  if (exact.length) return one(ctx, identity, exact);
  return one(
    ctx,
    identity,
    users.filter((u) => aliasOf(u) === key || u.displayName.toLowerCase() === key),
  );
}

/** Users sorted as Get-User lists them (by name). */
export function allUsers(ctx: CmdletContext): User[] {
  return [...ctx.tenant.users.values()].sort((a, b) => a.upn.localeCompare(b.upn));
}

export function findPolicy(ctx: CmdletContext, identity: string): AuthenticationPolicy {
  const policy = policyAt(ctx.tenant, identity.trim(), ctx.now);
  if (!policy) throw errors.notFound(identity, domainControllerOf(ctx.tenant));
  return policy;
}

export function allPolicies(ctx: CmdletContext): AuthenticationPolicy[] {
  return [...ctx.tenant.policies.values()]
    .map((timeline) => timeline.at(ctx.now))
    .filter((p): p is AuthenticationPolicy => !!p)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function findServicePrincipal(ctx: CmdletContext, identity: string): ServicePrincipal {
  const key = identity.trim().toLowerCase();
  const sps = [...ctx.tenant.servicePrincipals.values()];
  const exact = sps.filter((s) => s.objectId === key || s.appId === key);
  if (exact.length) return one(ctx, identity, exact);
  return one(
    ctx,
    identity,
    sps.filter((s) => s.displayName.toLowerCase() === key),
  );
}

/** A mailbox permission's trustee: a user of the tenant, else its service principal (§8.2). */
export function findTrustee(ctx: CmdletContext, identity: string): { id: string; shown: string } {
  try {
    const user = findUser(ctx, identity);
    return { id: user.id, shown: user.upn };
  } catch (error) {
    if (!(error instanceof CmdletError) || error.kind !== 'not-found') throw error;
    const sp = findServicePrincipal(ctx, identity);
    return { id: sp.objectId, shown: sp.objectId };
  }
}
