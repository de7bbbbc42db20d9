// Objects as Exchange Online shows them: the directory names an error cites (domain controller,
// distinguished names), Format-List text for the CLI, and the admin API's OData JSON values.
import type { Tenant } from '../tenants/model.js';
import type { CmdletObject, OutValue } from './spec.js';

function seedOf(tenant: Tenant): number {
  return parseInt(tenant.id.replace(/-/g, '').slice(0, 6), 16) || 0;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The tenant's directory forest, e.g. NAMPR11A009 (reference §6.1's DN shows DC=NAMPR11B009). */
export function forestOf(tenant: Tenant): string {
  const n = seedOf(tenant);
  return `NAMPR${pad((n % 20) + 1, 2)}A${pad((n % 90) + 1, 3)}`;
}

/** The domain controller "couldn't be found on '...'" names: stable per tenant, shaped like EXO's. */
export function domainControllerOf(tenant: Tenant): string {
  const n = seedOf(tenant);
  return `BN${(n % 9) + 1}PR${pad((n % 20) + 1, 2)}A${pad((n % 90) + 1, 3)}DC${pad((n % 12) + 1, 3)}.${forestOf(tenant)}.PROD.OUTLOOK.COM`;
}

/** An authentication policy's DN, in reference §6.1's form. */
export function policyDn(tenant: Tenant, name: string): string {
  return `CN=${name},CN=Auth Policies,CN=Configuration,CN=${tenant.domains[0]},CN=ConfigurationUnits,DC=${forestOf(tenant)},DC=PROD,DC=OUTLOOK,DC=COM`;
}

/** Annotations (`Name@namespace.term`) are OData metadata, not properties a person reads. */
const isAnnotation = (key: string) => key.includes('@');

function text(value: OutValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `{${value.join(', ')}}`;
  return String(value);
}

/** PowerShell's Format-List: one `Name : Value` line per property, objects separated by a blank line. */
export function formatList(objects: readonly CmdletObject[]): string {
  if (!objects.length) return '';
  const blocks = objects.map((o) => {
    const keys = Object.keys(o).filter((k) => !isAnnotation(k));
    const width = Math.max(...keys.map((k) => k.length));
    return keys.map((k) => `${k.padEnd(width)} : ${text(o[k])}`.trimEnd()).join('\n');
  });
  return `\n${blocks.join('\n\n')}\n\n`;
}

/** One value of the admin API's `value` array: collections carry their OData type, as EXO's do. */
export function odataObject(o: CmdletObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    if (Array.isArray(value)) out[`${key}@odata.type`] = '#Collection(String)';
    out[key] = value;
  }
  return out;
}
