// Applying a seed: the whole seed is checked first (schema, then the references between its
// parts and the directory), then written in one transaction, so a bad seed writes nothing.
// Applying is an upsert: tenants, users and apps are matched by name, UPN and client id, and a
// setting is only written when its value changes, so re-applying the same seed is a no-op.
import { randomUUID } from 'node:crypto';
import { RESOURCES } from '../identity/resources.js';
import type { MailStore } from '../mail/store.js';
import { PROTOCOLS, PROTOCOL_IDS, type ProtocolId } from '../protocols.js';
import type { Directory, DirectoryWriter } from './directory.js';
import { initialDomain, ORG_DEFAULTS, type AuthenticationPolicy, type OrgSettings, type Tenant, type User, type UserSettings } from './model.js';
import { hashSecret, verifySecretSlow } from './passwords.js';
import { pathText, SeedError, type ParsedSeed, type SeedApp, type SeedTenant, type SeedUser } from './seed-schema.js';

/** Tenants of an initial seed that give no `created` date predate the programme. */
export const DEFAULT_TENANT_CREATED = '2015-01-01T00:00:00Z';

export interface ApplyOptions {
  /** When the seed's settings take effect: the beginning of time for a new store, "now" for a fragment. */
  effectiveAt: number;
  /** The emulated time of the change (recorded beside each setting, and creation times). */
  now: number;
  /** A fresh store: tenants default to DEFAULT_TENANT_CREATED rather than now. */
  fresh: boolean;
  passwordHashCost: number;
}

export interface SeedSummary {
  tenantsCreated: number;
  usersCreated: number;
  appsWritten: number;
  settingsWritten: number;
  messagesDelivered: number;
}

interface ExpandedUser extends SeedUser {
  path: (string | number)[];
}

const KNOWN_PERMISSIONS = new Set(RESOURCES.flatMap((r) => [...r.delegated, ...r.application]));

function expandUsers(tenant: SeedTenant, ti: number): ExpandedUser[] {
  const out: ExpandedUser[] = [];
  (tenant.users ?? []).forEach((u, ui) => {
    const path = ['tenants', ti, 'users', ui];
    if (!u.count) return out.push({ ...u, path });
    const from = u.from ?? 1;
    for (let n = from; n < from + u.count; n++) {
      const fill = (s: string) => s.replaceAll('{n}', String(n));
      out.push({ ...u, upn: fill(u.upn), displayName: u.displayName && fill(u.displayName), path });
    }
  });
  return out;
}

/** Every problem in the seed that the schema alone cannot see, each with its field and line. */
function crossCheck(parsed: ParsedSeed, directory: Directory): string[] {
  const problems: string[] = [];
  // Named like the schema's problems (file path, field, line): a cross-field problem of a seed
  // file used to say "seed:", so a broken demo.yaml or --seed file did not say which file it was.
  const at = (path: (string | number)[], message: string) => problems.push(`${parsed.origin}: ${pathText(path)}${parsed.where(path)}: ${message}`);
  const tenantNames = new Map<string, number>();
  const domainOwner = new Map<string, string>();
  const upns = new Set<string>();
  const clientIds = new Set<string>();

  (parsed.seed.tenants ?? []).forEach((t, ti) => {
    const tname = t.name.toLowerCase();
    if (tenantNames.has(tname)) at(['tenants', ti, 'name'], `tenant "${t.name}" appears twice`);
    tenantNames.set(tname, ti);
    const existing = directory.tenant(tname);
    if (t.id && existing && existing.id !== t.id.toLowerCase()) at(['tenants', ti, 'id'], `tenant "${t.name}" already exists with id ${existing.id}`);
    const domains = new Set([initialDomain(tname), ...(t.domains ?? []).map((d) => d.toLowerCase()), ...(existing?.domains ?? [])]);
    for (const [di, d] of (t.domains ?? []).entries()) {
      const owner = directory.tenant(d.toLowerCase());
      const clash = domainOwner.get(d.toLowerCase()) ?? (owner && owner.name !== tname ? owner.name : undefined);
      if (clash && clash !== tname) at(['tenants', ti, 'domains', di], `domain ${d} already belongs to tenant "${clash}"`);
      domainOwner.set(d.toLowerCase(), tname);
    }
    const policyNames = new Set([...(existing?.policies.keys() ?? [])]);
    (t.authenticationPolicies ?? []).forEach((p, pi) => {
      if ((t.authenticationPolicies ?? []).findIndex((q) => q.name.toLowerCase() === p.name.toLowerCase()) !== pi) {
        at(['tenants', ti, 'authenticationPolicies', pi, 'name'], `policy "${p.name}" appears twice`);
      }
      policyNames.add(p.name.toLowerCase());
    });
    if (t.defaultAuthenticationPolicy && !policyNames.has(t.defaultAuthenticationPolicy.toLowerCase())) {
      at(['tenants', ti, 'defaultAuthenticationPolicy'], `no authentication policy named "${t.defaultAuthenticationPolicy}" in tenant "${t.name}"`);
    }
    const tenantUpns = new Set<string>(existing ? [...existing.users.values()].map((u) => u.upn) : []);
    for (const u of expandUsers(t, ti)) {
      const lower = u.upn.toLowerCase();
      const domain = lower.slice(lower.lastIndexOf('@') + 1);
      if (!domains.has(domain)) at([...u.path, 'upn'], `${u.upn}: domain ${domain} is not one of tenant "${t.name}"'s domains (${[...domains].join(', ')})`);
      if (upns.has(lower)) at([...u.path, 'upn'], `user ${u.upn} appears twice`);
      upns.add(lower);
      tenantUpns.add(lower);
      const other = directory.userByUpn(lower);
      if (other && existing?.id !== other.tenantId) at([...u.path, 'upn'], `user ${u.upn} already exists in another tenant`);
      if (u.authenticationPolicy && !policyNames.has(u.authenticationPolicy.toLowerCase())) {
        at([...u.path, 'authenticationPolicy'], `no authentication policy named "${u.authenticationPolicy}" in tenant "${t.name}"`);
      }
      if (u.appPasswords?.length && !u.mfa && !(other && other.settings.get('mfa', Date.now()))) {
        at([...u.path, 'appPasswords'], 'app passwords exist only with per-user MFA: add "mfa: true"');
      }
    }
    (t.apps ?? []).forEach((a, ai) => {
      const id = a.clientId.toLowerCase();
      if (clientIds.has(id)) at(['tenants', ti, 'apps', ai, 'clientId'], `app ${a.clientId} appears twice`);
      clientIds.add(id);
      const owner = directory.app(id);
      if (owner && existing?.id !== owner.tenantId) at(['tenants', ti, 'apps', ai, 'clientId'], `app ${a.clientId} already belongs to another tenant`);
      for (const kind of ['delegated', 'application'] as const) {
        (a[kind] ?? []).forEach((perm, pi) => {
          if (!KNOWN_PERMISSIONS.has(perm)) at(['tenants', ti, 'apps', ai, kind, pi], `unknown permission "${perm}"`);
        });
      }
      (a.mailboxPermissions ?? []).forEach((mp, mi) => {
        const path = ['tenants', ti, 'apps', ai, 'mailboxPermissions', mi];
        if (!tenantUpns.has(mp.mailbox.toLowerCase())) at([...path, 'mailbox'], `no user ${mp.mailbox} in tenant "${t.name}"`);
        if (!a.servicePrincipal) at(path, 'mailbox permissions are granted to the Exchange service principal: add "servicePrincipal: true"');
      });
    });
  });
  return problems;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Checks a parsed seed against the directory; throws SeedError listing every problem. */
export function checkSeed(parsed: ParsedSeed, directory: Directory): void {
  const problems = crossCheck(parsed, directory);
  if (problems.length) throw new SeedError(problems.join('\n'), problems);
}

export async function applySeed(parsed: ParsedSeed, deps: { directory: Directory; mail: MailStore }, options: ApplyOptions): Promise<SeedSummary> {
  const { directory, mail } = deps;
  checkSeed(parsed, directory);
  const summary: SeedSummary = { tenantsCreated: 0, usersCreated: 0, appsWritten: 0, settingsWritten: 0, messagesDelivered: 0 };

  // scrypt once per distinct secret (generated users share theirs), before the transaction.
  const hashes = new Map<string, Promise<string>>();
  const hashOf = (secret: string) => {
    let h = hashes.get(secret);
    if (!h) hashes.set(secret, (h = hashSecret(secret, options.passwordHashCost)));
    return h;
  };
  const preload: { user: User; messages: string[] }[] = [];

  await directory.write(async (w) => {
    for (const [ti, t] of (parsed.seed.tenants ?? []).entries()) {
      let tenant = w.tenant(t.name);
      if (!tenant) {
        const created = t.created ?? (options.fresh ? Date.parse(DEFAULT_TENANT_CREATED) : options.now);
        tenant = await w.createTenant({ name: t.name, cloud: t.cloud ?? 'commercial', createdAt: created, id: t.id?.toLowerCase() });
        summary.tenantsCreated++;
      }
      for (const d of t.domains ?? []) await w.addDomain(tenant, d);
      summary.settingsWritten += await writeTenantSettings(w, tenant, t, options);
      for (const u of expandUsers(t, ti)) {
        const { user, created } = await upsertUser(w, tenant, u, hashOf, options);
        if (created) summary.usersCreated++;
        summary.settingsWritten += await writeUserSettings(w, user, u, options);
        if (created && u.messages?.length) preload.push({ user, messages: u.messages });
      }
      for (const a of t.apps ?? []) {
        await upsertApp(w, tenant, a, hashOf, options);
        summary.appsWritten++;
      }
    }
  });
  for (const { user, messages } of preload) {
    for (const text of messages) {
      await mail.deliver(user.id, Buffer.from(text.replace(/\r?\n/g, '\r\n')));
      summary.messagesDelivered++;
    }
  }
  return summary;
}

async function writeTenantSettings(w: DirectoryWriter, tenant: Tenant, t: SeedTenant, o: ApplyOptions): Promise<number> {
  let written = 0;
  const set = async <K extends keyof OrgSettings>(key: K, value: OrgSettings[K] | undefined) => {
    if (value === undefined || same(tenant.org.get(key, o.effectiveAt), value)) return;
    await w.setOrg(tenant, key, value, o.effectiveAt, o.now);
    written++;
  };
  for (const p of t.authenticationPolicies ?? []) {
    // In a seed, a protocol not named stays allowed (DESIGN.md); New-AuthenticationPolicy differs.
    const allowBasic = Object.fromEntries(PROTOCOL_IDS.map((id) => [id, p.allowBasicAuth?.[id] ?? true])) as Record<ProtocolId, boolean>;
    const policy: AuthenticationPolicy = { name: p.name, allowBasic };
    const current = tenant.policies.get(p.name.toLowerCase())?.at(o.effectiveAt);
    if (!same(current, policy)) {
      await w.setPolicy(tenant, p.name, policy, o.effectiveAt, o.now);
      written++;
    }
  }
  await set('dehydrated', t.dehydrated);
  await set('securityDefaults', t.securityDefaults);
  await set('blockLegacyAuthentication', t.blockLegacyAuthentication);
  await set('basicAuthBlockedApps', t.basicAuthBlockedApps === null ? ORG_DEFAULTS.basicAuthBlockedApps : t.basicAuthBlockedApps);
  await set('smtpClientAuthenticationDisabled', t.smtpClientAuthenticationDisabled);
  await set('smtpBasicAuthReenabled', t.smtpBasicAuthReenabled);
  await set('defaultAuthenticationPolicy', t.defaultAuthenticationPolicy);
  await set('phase', t.phase);
  return written;
}

async function upsertUser(
  w: DirectoryWriter,
  tenant: Tenant,
  u: ExpandedUser,
  hashOf: (secret: string) => Promise<string>,
  o: ApplyOptions,
): Promise<{ user: User; created: boolean }> {
  const displayName = u.displayName ?? u.upn.split('@')[0];
  let user = w.user(u.upn);
  let created = false;
  if (!user) {
    user = await w.createUser(tenant, { upn: u.upn, displayName, passwordHash: u.password ? await hashOf(u.password) : null, createdAt: o.now });
    created = true;
  } else {
    if (u.displayName && u.displayName !== user.displayName) await w.setDisplayName(user, u.displayName);
    if (u.password && !(user.passwordHash && (await verifySecretSlow(u.password, user.passwordHash)))) await w.setPassword(user, await hashOf(u.password));
  }
  if (u.appPasswords) {
    const existing = user.appPasswords;
    const unchanged =
      existing.length === u.appPasswords.length && (await Promise.all(u.appPasswords.map((p, i) => verifySecretSlow(p, existing[i].hash)))).every(Boolean);
    if (!unchanged) {
      if (existing.length) await w.removeAppPasswords(user);
      for (const [i, secret] of u.appPasswords.entries()) await w.addAppPassword(user, `app password ${i + 1}`, await hashOf(secret), o.now);
    }
  }
  return { user, created };
}

async function writeUserSettings(w: DirectoryWriter, user: User, u: SeedUser, o: ApplyOptions): Promise<number> {
  let written = 0;
  const set = async <K extends keyof UserSettings>(key: K, value: UserSettings[K] | undefined) => {
    if (value === undefined || same(user.settings.get(key, o.effectiveAt), value)) return;
    await w.setUser(user, key, value, o.effectiveAt, o.now);
    written++;
  };
  await set('mfa', u.mfa);
  await set('roles', u.roles);
  await set('accountEnabled', u.accountEnabled);
  await set('authenticationPolicy', u.authenticationPolicy);
  const cas = u.casMailbox ?? {};
  for (const id of ['imap', 'pop', 'ews', 'eas', 'mapi'] as const) await set(PROTOCOLS[id].casMailboxSwitch!, cas[id]);
  await set('SmtpClientAuthenticationDisabled', cas.smtpClientAuthenticationDisabled);
  return written;
}

async function upsertApp(w: DirectoryWriter, tenant: Tenant, a: SeedApp, hashOf: (secret: string) => Promise<string>, o: ApplyOptions): Promise<void> {
  const existing = w.directory.app(a.clientId);
  const secrets = [...(a.secret ? [a.secret] : []), ...(a.secrets ?? [])];
  let secretHashes = existing?.secretHashes ?? [];
  const unchanged =
    secretHashes.length === secrets.length && (await Promise.all(secrets.map((s, i) => verifySecretSlow(s, secretHashes[i])))).every(Boolean);
  if (!unchanged) secretHashes = await Promise.all(secrets.map(hashOf));
  const app = {
    clientId: a.clientId.toLowerCase(),
    tenantId: tenant.id,
    objectId: (a.objectId ?? existing?.objectId ?? randomUUID()).toLowerCase(),
    displayName: a.displayName ?? existing?.displayName ?? `App ${a.clientId.slice(-4)}`,
    secretHashes,
    delegated: a.delegated ?? existing?.delegated ?? [],
    application: a.application ?? existing?.application ?? [],
    redirectUris: a.redirectUris ?? existing?.redirectUris ?? [],
    createdAt: existing?.createdAt ?? o.now,
  };
  await w.upsertApp(tenant, app);
  if (a.servicePrincipal) {
    await w.addServicePrincipal(tenant, { objectId: app.objectId, tenantId: tenant.id, appId: app.clientId, displayName: app.displayName }, o.now);
    for (const mp of a.mailboxPermissions ?? []) {
      const mailbox = w.user(mp.mailbox)!;
      await w.addMailboxPermission(tenant, { mailboxUserId: mailbox.id, trustee: app.objectId, rights: mp.rights }, o.now);
    }
  }
}
