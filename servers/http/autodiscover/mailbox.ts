// Which mailbox an Autodiscover request names, and the names Exchange gives it: exogate answers
// with its own endpoints, on the host and port the request came in on (the rule: a client
// that discovers through exogate keeps talking to exogate).
import type { Directory } from '../../../core/tenants/directory.js';
import type { Tenant, User } from '../../../core/tenants/model.js';
import { LEGACY_DN_ORG, mailboxId } from '../urls.js';


/**
 * The mailbox an address names inside one tenant: its UPN, or the same local part at another of
 * the tenant's domains (alice@contoso.onmicrosoft.com is alice@contoso.com). Another tenant's
 * mailbox is never found: a sign-in of tenant A learns nothing about tenant B.
 */
export function mailboxFor(directory: Directory, address: string, tenant?: Tenant): User | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const owner = directory.tenantForUpn(address);
  if (!owner || (tenant && owner.id !== tenant.id)) return undefined;
  const direct = directory.userByUpn(address);
  if (direct && direct.tenantId === owner.id) return direct;
  const local = address.slice(0, at).toLowerCase();
  for (const domain of owner.domains) {
    const user = directory.userByUpn(`${local}@${domain}`);
    if (user && user.tenantId === owner.id) return user;
  }
  return undefined;
}


/** The mailbox server's DN, as the EXCH block's ServerDN names it. */
export function serverDn(user: User): string {
  return `${LEGACY_DN_ORG}/cn=Configuration/cn=Servers/cn=${mailboxId(user)}`;
}
