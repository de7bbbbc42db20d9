// The directory: tenants, users, policies, apps and permissions, held in memory for the auth
// core and written through to the store. A write is awaited before memory changes, so a
// caller told "done" never loses the change; the auth core only ever reads memory.
//
// Several gateways on one PostgreSQL server each hold their own snapshot and see another
// instance's changes after their next restart (documented in the README).
import { randomUUID } from 'node:crypto';
import { Timeline } from '../clock.js';
import type { Sql } from '../store/sql.js';
import {
  initialDomain,
  ORG_DEFAULTS,
  Settings,
  USER_DEFAULTS,
  type App,
  type AuthenticationPolicy,
  type Cloud,
  type MailboxPermission,
  type OrgSettings,
  type ServicePrincipal,
  type Tenant,
  type User,
  type UserSettings,
} from './model.js';

type Subject = 'org' | `user:${string}` | `policy:${string}`;

/** Memory changes staged inside a transaction and applied once it commits. */
export class DirectoryWriter {
  readonly #pending: (() => void)[] = [];
  /** Tenants and users created in this batch, visible to later steps of the same batch. */
  readonly created = { tenants: new Map<string, Tenant>(), users: new Map<string, User>() };
  /** `<tenant id>|<domain>` added in this batch: memory shows them only after commit. */
  readonly #addedDomains = new Set<string>();

  constructor(
    readonly tx: Sql,
    readonly directory: Directory,
  ) {}

  stage(apply: () => void): void {
    this.#pending.push(apply);
  }

  commit(): void {
    for (const apply of this.#pending) apply();
  }

  tenant(idOrName: string): Tenant | undefined {
    return this.created.tenants.get(idOrName.toLowerCase()) ?? this.directory.tenant(idOrName);
  }

  user(upn: string): User | undefined {
    return this.created.users.get(upn.toLowerCase()) ?? this.directory.userByUpn(upn);
  }

  async createTenant(input: { name: string; cloud: Cloud; createdAt: number; id?: string }): Promise<Tenant> {
    const tenant: Tenant = {
      id: input.id ?? randomUUID(),
      name: input.name.toLowerCase(),
      cloud: input.cloud,
      createdAt: input.createdAt,
      domains: [initialDomain(input.name.toLowerCase())],
      org: new Settings<OrgSettings>(ORG_DEFAULTS),
      policies: new Map(),
      users: new Map(),
      apps: new Map(),
      servicePrincipals: new Map(),
      mailboxPermissions: new Map(),
    };
    await this.tx.query('insert into tenants (id, name, cloud, created_at) values ($1, $2, $3, $4)', [
      tenant.id,
      tenant.name,
      tenant.cloud,
      new Date(tenant.createdAt),
    ]);
    await this.tx.query('insert into tenant_domains (domain, tenant_id) values ($1, $2)', [tenant.domains[0], tenant.id]);
    this.created.tenants.set(tenant.name, tenant);
    this.created.tenants.set(tenant.id, tenant);
    this.stage(() => this.directory.indexTenant(tenant));
    return tenant;
  }

  async addDomain(tenant: Tenant, domain: string): Promise<void> {
    const d = domain.toLowerCase();
    // A domain named twice in one batch (a seed listing contoso.com and Contoso.com) is added
    // once; checking memory alone would insert it twice and fail the batch on the primary key.
    const key = `${tenant.id}|${d}`;
    if (tenant.domains.includes(d) || this.#addedDomains.has(key)) return;
    await this.tx.query('insert into tenant_domains (domain, tenant_id) values ($1, $2)', [d, tenant.id]);
    this.#addedDomains.add(key);
    this.stage(() => {
      tenant.domains.push(d);
      this.directory.indexTenant(tenant);
    });
  }

  async createUser(
    tenant: Tenant,
    input: { upn: string; displayName: string; passwordHash: string | null; createdAt: number; id?: string },
  ): Promise<User> {
    const user: User = {
      id: input.id ?? randomUUID(),
      tenantId: tenant.id,
      upn: input.upn.toLowerCase(),
      displayName: input.displayName,
      passwordHash: input.passwordHash,
      appPasswords: [],
      createdAt: input.createdAt,
      settings: new Settings<UserSettings>(USER_DEFAULTS),
    };
    await this.tx.query(
      'insert into users (id, tenant_id, upn, display_name, password_hash, created_at) values ($1, $2, $3, $4, $5, $6)',
      [user.id, tenant.id, user.upn, user.displayName, user.passwordHash, new Date(user.createdAt)],
    );
    this.created.users.set(user.upn, user);
    this.stage(() => this.directory.indexUser(tenant, user));
    return user;
  }

  async setPassword(user: User, passwordHash: string | null): Promise<void> {
    await this.tx.query('update users set password_hash = $2 where id = $1', [user.id, passwordHash]);
    this.stage(() => (user.passwordHash = passwordHash));
  }

  async setDisplayName(user: User, displayName: string): Promise<void> {
    await this.tx.query('update users set display_name = $2 where id = $1', [user.id, displayName]);
    this.stage(() => (user.displayName = displayName));
  }

  async addAppPassword(user: User, name: string, hash: string, createdAt: number): Promise<string> {
    const id = randomUUID();
    await this.tx.query('insert into app_passwords (id, user_id, name, hash, created_at) values ($1, $2, $3, $4, $5)', [
      id,
      user.id,
      name,
      hash,
      new Date(createdAt),
    ]);
    this.stage(() => user.appPasswords.push({ id, name, hash, createdAt }));
    return id;
  }

  async removeAppPasswords(user: User): Promise<void> {
    await this.tx.query('delete from app_passwords where user_id = $1', [user.id]);
    this.stage(() => (user.appPasswords = []));
  }

  async setOrg<K extends keyof OrgSettings>(tenant: Tenant, key: K, value: OrgSettings[K], effectiveAt: number, now: number): Promise<void> {
    await this.#insertSetting(tenant, 'org', key, value, effectiveAt, now);
    this.stage(() => tenant.org.set(key, value, effectiveAt));
  }

  async setUser<K extends keyof UserSettings>(user: User, key: K, value: UserSettings[K], effectiveAt: number, now: number): Promise<void> {
    const tenant = this.tenant(user.tenantId)!;
    await this.#insertSetting(tenant, `user:${user.id}`, key, value, effectiveAt, now);
    this.stage(() => user.settings.set(key, value, effectiveAt));
  }

  /** Creates, replaces (policy) or removes (null) an authentication policy. */
  async setPolicy(tenant: Tenant, name: string, policy: AuthenticationPolicy | null, effectiveAt: number, now: number): Promise<void> {
    const key = name.toLowerCase();
    await this.#insertSetting(tenant, `policy:${key}`, 'definition', policy, effectiveAt, now);
    this.stage(() => {
      let timeline = tenant.policies.get(key);
      if (!timeline) tenant.policies.set(key, (timeline = new Timeline()));
      timeline.set(policy, effectiveAt);
    });
  }

  async upsertApp(tenant: Tenant, app: App): Promise<void> {
    await this.tx.query(
      `insert into apps (client_id, tenant_id, object_id, display_name, secret_hashes, delegated, application, redirect_uris, created_at)
       values ($1, $2, $9, $3, $4, $5, $6, $7, $8)
       on conflict (client_id) do update set display_name = excluded.display_name, secret_hashes = excluded.secret_hashes,
         delegated = excluded.delegated, application = excluded.application, redirect_uris = excluded.redirect_uris`,
      [
        app.clientId,
        tenant.id,
        app.displayName,
        JSON.stringify(app.secretHashes),
        JSON.stringify(app.delegated),
        JSON.stringify(app.application),
        JSON.stringify(app.redirectUris),
        new Date(app.createdAt),
        app.objectId,
      ],
    );
    this.stage(() => this.directory.indexApp(tenant, app));
  }

  async addServicePrincipal(tenant: Tenant, sp: ServicePrincipal, createdAt: number): Promise<void> {
    await this.tx.query(
      `insert into service_principals (object_id, tenant_id, app_id, display_name, created_at) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, app_id) do nothing`,
      [sp.objectId, tenant.id, sp.appId, sp.displayName, new Date(createdAt)],
    );
    this.stage(() => {
      if (![...tenant.servicePrincipals.values()].some((s) => s.appId === sp.appId)) tenant.servicePrincipals.set(sp.objectId, sp);
    });
  }

  async addMailboxPermission(tenant: Tenant, permission: MailboxPermission, createdAt: number): Promise<void> {
    await this.tx.query(
      `insert into mailbox_permissions (tenant_id, mailbox_user_id, trustee, rights, created_at) values ($1, $2, $3, $4, $5)
       on conflict do nothing`,
      [tenant.id, permission.mailboxUserId, permission.trustee, permission.rights, new Date(createdAt)],
    );
    this.stage(() => {
      const list = tenant.mailboxPermissions.get(permission.mailboxUserId) ?? [];
      if (!list.some((p) => p.trustee === permission.trustee && p.rights === permission.rights)) list.push(permission);
      tenant.mailboxPermissions.set(permission.mailboxUserId, list);
    });
  }

  async #insertSetting(tenant: Tenant, subject: Subject, key: string, value: unknown, effectiveAt: number, now: number): Promise<void> {
    await this.tx.query(
      'insert into settings (tenant_id, subject, key, value, effective_at, recorded_at) values ($1, $2, $3, $4, $5, $6)',
      [tenant.id, subject, key, JSON.stringify(value), new Date(effectiveAt), new Date(now)],
    );
  }
}

export class Directory {
  readonly #tenants = new Map<string, Tenant>(); // by id
  readonly #tenantByName = new Map<string, Tenant>(); // by name and every domain
  readonly #users = new Map<string, User>(); // by upn
  readonly #usersById = new Map<string, User>();
  readonly #apps = new Map<string, App>(); // by client id

  private constructor(readonly sql: Sql) {}

  /** A directory with nothing in it and no store behind it: checking a seed before a store exists. */
  static async empty(): Promise<Directory> {
    const refuse = async (): Promise<never> => {
      throw new Error('this directory has no store');
    };
    return new Directory({ query: refuse, transaction: refuse, bulkInsert: refuse });
  }

  static async load(sql: Sql): Promise<Directory> {
    const d = new Directory(sql);
    const tenants = await sql.query<{ id: string; name: string; cloud: Cloud; created_at: Date }>('select * from tenants');
    for (const row of tenants) {
      d.indexTenant({
        id: row.id,
        name: row.name,
        cloud: row.cloud,
        createdAt: row.created_at.getTime(),
        domains: [initialDomain(row.name)],
        org: new Settings<OrgSettings>(ORG_DEFAULTS),
        policies: new Map(),
        users: new Map(),
        apps: new Map(),
        servicePrincipals: new Map(),
        mailboxPermissions: new Map(),
      });
    }
    for (const row of await sql.query<{ domain: string; tenant_id: string }>('select * from tenant_domains order by domain')) {
      const t = d.#tenants.get(row.tenant_id)!;
      if (!t.domains.includes(row.domain)) t.domains.push(row.domain);
      d.indexTenant(t);
    }
    const users = await sql.query<{ id: string; tenant_id: string; upn: string; display_name: string; password_hash: string | null; created_at: Date }>(
      'select * from users',
    );
    for (const row of users) {
      d.indexUser(d.#tenants.get(row.tenant_id)!, {
        id: row.id,
        tenantId: row.tenant_id,
        upn: row.upn,
        displayName: row.display_name,
        passwordHash: row.password_hash,
        appPasswords: [],
        createdAt: row.created_at.getTime(),
        settings: new Settings<UserSettings>(USER_DEFAULTS),
      });
    }
    for (const row of await sql.query<{ id: string; user_id: string; name: string; hash: string; created_at: Date }>(
      'select * from app_passwords order by created_at',
    )) {
      d.#usersById.get(row.user_id)?.appPasswords.push({ id: row.id, name: row.name, hash: row.hash, createdAt: row.created_at.getTime() });
    }
    const settings = await sql.query<{ tenant_id: string; subject: string; key: string; value: unknown; effective_at: Date }>(
      'select tenant_id, subject, key, value, effective_at from settings order by seq',
    );
    for (const row of settings) d.#applySetting(row.tenant_id, row.subject, row.key, row.value, row.effective_at.getTime());
    const apps = await sql.query<{
      client_id: string;
      tenant_id: string;
      object_id: string;
      display_name: string;
      secret_hashes: string[];
      delegated: string[];
      application: string[];
      redirect_uris: string[];
      created_at: Date;
    }>('select * from apps');
    for (const row of apps) {
      d.indexApp(d.#tenants.get(row.tenant_id)!, {
        clientId: row.client_id,
        tenantId: row.tenant_id,
        objectId: row.object_id,
        displayName: row.display_name,
        secretHashes: row.secret_hashes,
        delegated: row.delegated,
        application: row.application,
        redirectUris: row.redirect_uris,
        createdAt: row.created_at.getTime(),
      });
    }
    for (const row of await sql.query<{ object_id: string; tenant_id: string; app_id: string; display_name: string }>('select * from service_principals')) {
      d.#tenants.get(row.tenant_id)?.servicePrincipals.set(row.object_id, {
        objectId: row.object_id,
        tenantId: row.tenant_id,
        appId: row.app_id,
        displayName: row.display_name,
      });
    }
    for (const row of await sql.query<{ tenant_id: string; mailbox_user_id: string; trustee: string; rights: MailboxPermission['rights'] }>(
      'select * from mailbox_permissions',
    )) {
      const tenant = d.#tenants.get(row.tenant_id);
      if (!tenant) continue;
      const list = tenant.mailboxPermissions.get(row.mailbox_user_id) ?? [];
      list.push({ mailboxUserId: row.mailbox_user_id, trustee: row.trustee, rights: row.rights });
      tenant.mailboxPermissions.set(row.mailbox_user_id, list);
    }
    return d;
  }

  /** Run several writes in one transaction; memory changes only once it commits. */
  async write<T>(work: (w: DirectoryWriter) => Promise<T>): Promise<T> {
    let writer!: DirectoryWriter;
    const result = await this.sql.transaction(async (tx) => {
      writer = new DirectoryWriter(tx, this);
      return work(writer);
    });
    writer.commit();
    return result;
  }

  // --- reads (memory only) ---

  /** By GUID, name, `<name>.onmicrosoft.com` or any verified domain (DESIGN.md). */
  tenant(idOrName: string): Tenant | undefined {
    const key = idOrName.toLowerCase();
    return this.#tenants.get(key) ?? this.#tenantByName.get(key);
  }

  tenants(): Tenant[] {
    return [...this.#tenants.values()];
  }

  /** The tenant that owns a user name's domain. */
  tenantForUpn(upn: string): Tenant | undefined {
    const at = upn.lastIndexOf('@');
    return at < 0 ? undefined : this.#tenantByName.get(upn.slice(at + 1).toLowerCase());
  }

  userByUpn(upn: string): User | undefined {
    return this.#users.get(upn.toLowerCase());
  }

  userById(id: string): User | undefined {
    return this.#usersById.get(id);
  }

  app(clientId: string): App | undefined {
    return this.#apps.get(clientId.toLowerCase());
  }

  // --- indexing (memory), called by writers after commit and by load ---

  indexTenant(tenant: Tenant): void {
    this.#tenants.set(tenant.id, tenant);
    this.#tenantByName.set(tenant.name, tenant);
    for (const domain of tenant.domains) this.#tenantByName.set(domain, tenant);
  }

  indexUser(tenant: Tenant, user: User): void {
    tenant.users.set(user.id, user);
    this.#users.set(user.upn, user);
    this.#usersById.set(user.id, user);
  }

  indexApp(tenant: Tenant, app: App): void {
    tenant.apps.set(app.clientId, app);
    this.#apps.set(app.clientId.toLowerCase(), app);
  }

  #applySetting(tenantId: string, subject: string, key: string, value: unknown, at: number): void {
    const tenant = this.#tenants.get(tenantId);
    if (!tenant) return;
    if (subject === 'org') {
      tenant.org.set(key as keyof OrgSettings, value as never, at);
    } else if (subject.startsWith('user:')) {
      this.#usersById.get(subject.slice(5))?.settings.set(key as keyof UserSettings, value as never, at);
    } else if (subject.startsWith('policy:')) {
      const name = subject.slice(7);
      let timeline = tenant.policies.get(name);
      if (!timeline) tenant.policies.set(name, (timeline = new Timeline()));
      timeline.set(value as AuthenticationPolicy | null, at);
    }
  }
}
