// The in-memory shapes of tenants, users, policies and apps. The auth core reads only these,
// never the database (DESIGN.md "The decision pipeline").
import { Timeline } from '../clock.js';
import type { ProgrammePhase } from '../eras.js';
import type { CasMailboxSwitch, ProtocolId } from '../protocols.js';

export type Cloud = 'commercial' | 'gcc';
export const ROLES = ['GlobalAdministrator', 'ExchangeAdministrator', 'DelegatedAdmin', 'GlobalReader', 'ReportsReader', 'SecurityReader'] as const;
export type Role = (typeof ROLES)[number];

/** Organization-wide settings, each effective-dated. */
export interface OrgSettings {
  /** Dehydrated organizations refuse customization until Enable-OrganizationCustomization (§6.5). */
  dehydrated: boolean;
  securityDefaults: boolean;
  /** A conditional-access policy "block legacy authentication" for all users (§6.6). */
  blockLegacyAuthentication: boolean;
  /** Microsoft-side Basic blocks set explicitly (§6.2): proactive disablement, or a seed. */
  basicAuthBlockedApps: ProtocolId[];
  /** Protocols the tenant opted out of disabling through the diagnostic (§7). */
  basicAuthOptedOut: ProtocolId[];
  /** Protocols re-enabled once through the diagnostic during the switch-off (§7). */
  basicAuthReenabled: ProtocolId[];
  /** Set-TransportConfig -SmtpClientAuthenticationDisabled (§6.3). */
  smtpClientAuthenticationDisabled: boolean;
  /**
   * Re-enables Basic SMTP AUTH once it is off by default (end of Dec 2026, §4.4). The real
   * switch is UNCONFIRMED; exogate exposes it as Set-TransportConfig -SmtpBasicAuthReEnabled.
   */
  smtpBasicAuthReenabled: boolean;
  /** Set-OrganizationConfig -DefaultAuthenticationPolicy (§6.1), by name. */
  defaultAuthenticationPolicy: string | null;
  /** Pins the tenant to a programme phase instead of following the clock. */
  phase: ProgrammePhase | null;
}

export const ORG_DEFAULTS: Readonly<OrgSettings> = Object.freeze({
  dehydrated: false,
  securityDefaults: false,
  blockLegacyAuthentication: false,
  basicAuthBlockedApps: [],
  basicAuthOptedOut: [],
  basicAuthReenabled: [],
  smtpClientAuthenticationDisabled: false,
  smtpBasicAuthReenabled: false,
  defaultAuthenticationPolicy: null,
  phase: null,
});

/** Per-user settings, each effective-dated. CASMailbox switches use their cmdlet names (§6.4). */
export type UserSettings = {
  authenticationPolicy: string | null;
  /** Per-user (legacy) MFA: Basic then needs an app password (§6.6). */
  mfa: boolean;
  roles: Role[];
  accountEnabled: boolean;
  /** Set-CASMailbox -SmtpClientAuthenticationDisabled: null inherits the organization (§6.3). */
  SmtpClientAuthenticationDisabled: boolean | null;
} & Record<CasMailboxSwitch, boolean>;

export const USER_DEFAULTS: Readonly<UserSettings> = Object.freeze({
  authenticationPolicy: null,
  mfa: false,
  roles: [],
  accountEnabled: true,
  SmtpClientAuthenticationDisabled: null,
  ImapEnabled: true,
  PopEnabled: true,
  EwsEnabled: true,
  ActiveSyncEnabled: true,
  MAPIEnabled: true,
});

/** An authentication policy: which protocols may use Basic (§6.1). */
export interface AuthenticationPolicy {
  name: string;
  allowBasic: Partial<Record<ProtocolId, boolean>>;
}

/** A bag of effective-dated values with defaults. */
export class Settings<S extends object> {
  readonly #timelines = new Map<keyof S, Timeline<unknown>>();
  constructor(readonly defaults: Readonly<S>) {}

  get<K extends keyof S>(key: K, t: number): S[K] {
    const timeline = this.#timelines.get(key);
    if (!timeline) return this.defaults[key];
    const value = timeline.at(t);
    return value === undefined ? this.defaults[key] : (value as S[K]);
  }

  set<K extends keyof S>(key: K, value: S[K], at: number): void {
    let timeline = this.#timelines.get(key);
    if (!timeline) this.#timelines.set(key, (timeline = new Timeline()));
    timeline.set(value, at);
  }

  history<K extends keyof S>(key: K): readonly { at: number; value: S[K] }[] {
    return (this.#timelines.get(key)?.entries ?? []) as { at: number; value: S[K] }[];
  }
}

export interface AppPassword {
  id: string;
  name: string;
  hash: string;
  createdAt: number;
}

export interface User {
  id: string;
  tenantId: string;
  upn: string;
  displayName: string;
  passwordHash: string | null;
  appPasswords: AppPassword[];
  createdAt: number;
  settings: Settings<UserSettings>;
}

export interface App {
  clientId: string;
  tenantId: string;
  /** The enterprise application's object id: app-only tokens carry it as `oid` (reference §8.2). */
  objectId: string;
  displayName: string;
  secretHashes: string[];
  /** Delegated permissions, any resource's, by name (e.g. IMAP.AccessAsUser.All). */
  delegated: string[];
  /** Application permissions (roles), by name (e.g. IMAP.AccessAsApp). */
  application: string[];
  redirectUris: string[];
  createdAt: number;
}

/** An Exchange service principal (New-ServicePrincipal, §8.2). */
export interface ServicePrincipal {
  objectId: string;
  tenantId: string;
  appId: string;
  displayName: string;
}

export interface MailboxPermission {
  mailboxUserId: string;
  /** A service principal's object id or a user's id. */
  trustee: string;
  rights: 'FullAccess' | 'SendAs' | 'ReadPermission';
}

export interface Tenant {
  id: string;
  name: string;
  cloud: Cloud;
  createdAt: number;
  /** `<name>.onmicrosoft.com` first, then verified domains. */
  domains: string[];
  org: Settings<OrgSettings>;
  policies: Map<string, Timeline<AuthenticationPolicy | null>>;
  users: Map<string, User>;
  apps: Map<string, App>;
  servicePrincipals: Map<string, ServicePrincipal>;
  /** mailbox user id → permissions on it */
  mailboxPermissions: Map<string, MailboxPermission[]>;
}

export function initialDomain(name: string): string {
  return `${name}.onmicrosoft.com`;
}

export function policyAt(tenant: Tenant, name: string, t: number): AuthenticationPolicy | null {
  return tenant.policies.get(name.toLowerCase())?.at(t) ?? null;
}

export function hasRole(user: User, t: number, ...roles: Role[]): boolean {
  const has = user.settings.get('roles', t);
  return roles.some((r) => has.includes(r));
}
