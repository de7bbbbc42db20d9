// Microsoft's side of Basic authentication for a tenant at an instant: the explicit
// BasicAuthBlockedApps (proactive disablement, seeds) plus what the programme's phase implies
// (reference §7, §0 "the house always wins"). Authentication policies are the tenant's own and
// live elsewhere; nothing here can be undone by them.
import {
  eraAt,
  NEW_TENANTS_BASIC_OFF_FROM,
  NEW_TENANTS_SMTP_BASIC_OFF_FROM,
  PERMANENTLY_OFF_PROTOCOLS,
  SWITCH_OFF_PROTOCOLS,
  type ProgrammePhase,
  type SmtpBasicPhase,
} from '../eras.js';
import type { ProtocolId } from '../protocols.js';
import type { Tenant } from '../tenants/model.js';

const bornBasicOff = Date.parse(NEW_TENANTS_BASIC_OFF_FROM);
const bornSmtpBasicOff = Date.parse(NEW_TENANTS_SMTP_BASIC_OFF_FROM);

export function phaseOf(tenant: Tenant, t: number): ProgrammePhase {
  return tenant.org.get('phase', t) ?? eraAt('programmePhase', t);
}

export function microsoftBlocksBasic(tenant: Tenant, protocol: ProtocolId, t: number): boolean {
  if (tenant.org.get('basicAuthBlockedApps', t).includes(protocol)) return true;
  switch (phaseOf(tenant, t)) {
    case 'permanent':
      return PERMANENTLY_OFF_PROTOCOLS.includes(protocol);
    case 'switch-off':
      // Opted out in September 2022, or re-enabled once since October: spared until January.
      return (
        SWITCH_OFF_PROTOCOLS.includes(protocol) &&
        !tenant.org.get('basicAuthOptedOut', t).includes(protocol) &&
        !tenant.org.get('basicAuthReenabled', t).includes(protocol)
      );
    default:
      // Tenants created after mid-2021 were born with Basic off (§0), unless re-enabled.
      return (
        tenant.createdAt >= bornBasicOff &&
        SWITCH_OFF_PROTOCOLS.includes(protocol) &&
        !tenant.org.get('basicAuthReenabled', t).includes(protocol)
      );
  }
}

/** Every protocol Microsoft blocks for the tenant at t (what the diagnostic lists). */
export function microsoftBlockedProtocols(tenant: Tenant, t: number, protocols: readonly ProtocolId[]): ProtocolId[] {
  return protocols.filter((p) => microsoftBlocksBasic(tenant, p, t));
}

/** SMTP AUTH's own retirement (§4.4): does Basic SMTP AUTH still exist for this tenant at t? */
export function smtpBasicRetired(tenant: Tenant, t: number): boolean {
  const phase: SmtpBasicPhase = eraAt('smtpBasic', t);
  if (phase === 'removed') return true;
  if (phase === 'available') return false;
  // default-off: existing tenants can turn it back on; tenants born after the date cannot.
  return tenant.createdAt >= bornSmtpBasicOff || !tenant.org.get('smtpBasicAuthReenabled', t);
}
