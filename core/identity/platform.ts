// The emulated Microsoft identity platform's token service (reference §8): client credentials,
// resource-owner password (ROPC), refresh tokens, authorization code with PKCE and device code.
// It answers with Entra's JSON shapes and AADSTS errors, and every user or app sign-in it
// decides leaves a sign-in record (clientAppUsed "Mobile Apps and Desktop clients" or "Browser").
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Lockout } from '../auth/lockout.js';
import type { Clock } from '../clock.js';
import type { Limits } from '../config.js';
import { newSignIn } from '../signins/record.js';
import type { SignInWriter } from '../signins/writer.js';
import type { Sql } from '../store/sql.js';
import type { Directory } from '../tenants/directory.js';
import type { App, Role, Tenant, User } from '../tenants/model.js';
import type { SecretVerifier } from '../tenants/passwords.js';
import { aadstsError, type AadstsCode, type AadstsErrorBody } from './aadsts.js';
import { firstPartyApp, redirectUriAllowed } from './first-party.js';
import { isScopeError, parseScope, type ParsedScope, type Resource } from './resources.js';
import { v1Issuer, v2Issuer, type AccessTokenClaims, type TokenService } from './tokens.js';

export type Form = Record<string, string | undefined>;

export interface TokenSuccess {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

export type TokenResult = { status: 200; body: TokenSuccess } | { status: number; body: AadstsErrorBody };

export interface RequestContext {
  ip: string;
  userAgent?: string;
  correlationId?: string;
}

/** Directory role template ids, carried in `wids` (Entra's well-known values). */
const ROLE_TEMPLATE_IDS: Partial<Record<Role, string>> = {
  GlobalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  ExchangeAdministrator: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  GlobalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  ReportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
  SecurityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
};

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Bounds on the in-memory code tables, so a flood of /authorize or /devicecode calls stays bounded. */
const MAX_PENDING_CODES = 10_000;

interface AuthorizationCode {
  tenantId: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  expiresAt: number;
  redeemed: boolean;
}

interface DeviceCode {
  tenantSegment: string;
  clientId: string;
  scope: string;
  userCode: string;
  expiresAt: number;
  userId?: string;
  declined?: boolean;
  redeemed?: boolean;
}

export interface IdentityDeps {
  clock: Clock;
  directory: Directory;
  tokens: TokenService;
  secrets: SecretVerifier;
  lockout: Lockout;
  signIns: SignInWriter;
  sql: Sql;
  limits: Limits;
}

type Failure = { code: AadstsCode; details?: Record<string, string> };
const fail = (code: AadstsCode, details?: Record<string, string>): Failure => ({ code, details });
const isFailure = (x: unknown): x is Failure => !!x && typeof x === 'object' && 'code' in x && typeof (x as Failure).code === 'number';

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** AADSTS70000's parameter, per grant. */
const BAD_CODE = { parameter: "the 'code' parameter" };
const BAD_REFRESH_TOKEN = { parameter: "the input parameter 'refresh_token' or 'assertion'" };
const BAD_DEVICE_CODE = { parameter: "the input parameter 'device_code'" };

/** Entra writes AADSTS700082's dates the .NET way: `2020-02-26T21:52:54.2810613Z` and `90.00:00:00`. */
const dotNetInstant = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}0000Z`);
function dotNetTimeSpan(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  return `${days ? `${days}.` : ''}${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}

export class IdentityPlatform {
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #devices = new Map<string, DeviceCode>();
  readonly #userCodes = new Map<string, string>();

  constructor(readonly deps: IdentityDeps) {}

  /** `{tenant}`: GUID, name, `<name>.onmicrosoft.com`, a domain, or common / organizations. */
  resolveTenant(segment: string): Tenant | 'common' | undefined {
    const s = segment.toLowerCase();
    if (s === 'common' || s === 'organizations') return 'common';
    return this.deps.directory.tenant(s);
  }

  async token(tenantSegment: string, form: Form, ctx: RequestContext): Promise<TokenResult> {
    const now = this.deps.clock.now();
    const tenantOrCommon = this.resolveTenant(tenantSegment);
    if (!tenantOrCommon) return this.#error(fail(90002, { tenant: tenantSegment }), ctx, now);
    const grant = form.grant_type;
    if (!grant) return this.#error(fail(900144, { name: 'grant_type' }), ctx, now);
    let result: TokenSuccess | Failure;
    switch (grant) {
      case 'client_credentials':
        result = await this.#clientCredentials(tenantOrCommon, form, ctx, now);
        break;
      case 'password':
        result = await this.#password(tenantOrCommon, form, ctx, now);
        break;
      case 'refresh_token':
        result = await this.#refresh(tenantOrCommon, form, ctx, now);
        break;
      case 'authorization_code':
        result = await this.#authorizationCode(tenantOrCommon, form, ctx, now);
        break;
      case DEVICE_CODE_GRANT:
        result = await this.#deviceCode(tenantOrCommon, form, now);
        break;
      default:
        result = fail(70003, { grantType: grant });
    }
    return isFailure(result) ? this.#error(result, ctx, now) : { status: 200, body: result };
  }

  // --- grants ---

  async #clientCredentials(t: Tenant | 'common', form: Form, ctx: RequestContext, now: number): Promise<TokenSuccess | Failure> {
    // An app signs in to one tenant, which /common cannot name.
    if (t === 'common') return fail(50059);
    const app = this.#app(t, form);
    if (isFailure(app)) return app;
    if (!form.client_secret) return fail(7000218);
    const tenant = this.deps.directory.tenant(app.tenantId)!;
    if (!(await this.#secretMatches(app, form.client_secret))) {
      this.#recordApp(tenant, app, ctx, now, 7000215);
      return fail(7000215, { appId: app.clientId });
    }
    if (!form.scope) return fail(900144, { name: 'scope' });
    const parsed = parseScope(form.scope);
    if (isScopeError(parsed)) return fail(parsed.code, { scope: parsed.scope });
    if (parsed.permissions.length !== 1 || parsed.permissions[0] !== '.default') return fail(1002012, { scope: form.scope });
    const roles = app.application.filter((r) => parsed.resource.application.includes(r));
    this.#recordApp(tenant, app, ctx, now, 0, parsed.resource);
    const claims = this.#baseClaims(tenant, app, parsed, now);
    return this.#respond({ ...claims, idtyp: 'app', appidacr: '1', oid: app.objectId, sub: app.objectId, roles }, parsed, null);
  }

  async #password(t: Tenant | 'common', form: Form, ctx: RequestContext, now: number): Promise<TokenSuccess | Failure> {
    if (!form.username) return fail(900144, { name: 'username' });
    if (form.password === undefined) return fail(900144, { name: 'password' });
    const tenant = t === 'common' ? this.deps.directory.tenantForUpn(form.username) : t;
    if (!tenant) return fail(90002, { tenant: form.username.split('@')[1] ?? form.username });
    const app = this.#app(tenant, form);
    if (isFailure(app)) return app;
    if (app.secretHashes.length) {
      if (!form.client_secret) return fail(7000218);
      if (!(await this.#secretMatches(app, form.client_secret))) return fail(7000215, { appId: app.clientId });
    }
    const parsed = this.#delegatedScope(app, form.scope);
    if (isFailure(parsed)) return parsed;
    const user = await this.#checkUser(tenant, app, form.username, form.password, parsed.resource, ctx, now, 'Mobile Apps and Desktop clients', false);
    if (isFailure(user)) return user;
    return this.#issueForUser(tenant, app, user, parsed, form.scope!, now, ['pwd']);
  }

  async #refresh(t: Tenant | 'common', form: Form, ctx: RequestContext, now: number): Promise<TokenSuccess | Failure> {
    if (!form.refresh_token) return fail(900144, { name: 'refresh_token' });
    const rows = await this.deps.sql.query<{ tenant_id: string; user_id: string; client_id: string; scopes: string[]; expires_at: Date; revoked: boolean; issued_at: Date }>(
      'select tenant_id, user_id, client_id, scopes, expires_at, revoked, issued_at from refresh_tokens where hash = $1',
      [hashToken(form.refresh_token)],
    );
    const row = rows[0];
    if (!row || row.revoked) return fail(9002313);
    if (row.expires_at.getTime() <= now) return fail(700082, { issued: dotNetInstant(row.issued_at), lifetime: dotNetTimeSpan(this.deps.limits.refreshTokenLifetimeSec) });
    if (form.client_id && form.client_id.toLowerCase() !== row.client_id) return fail(70000, BAD_REFRESH_TOKEN);
    const tenant = this.deps.directory.tenant(row.tenant_id);
    if (!tenant || (t !== 'common' && t.id !== tenant.id)) return fail(9002313);
    const app = this.#lookupApp(row.client_id, tenant.id);
    const user = this.deps.directory.userById(row.user_id);
    if (!app || !user) return fail(9002313);
    if (app.secretHashes.length) {
      if (!form.client_secret) return fail(7000218);
      if (!(await this.#secretMatches(app, form.client_secret))) return fail(7000215, { appId: app.clientId });
    }
    if (!user.settings.get('accountEnabled', now)) return fail(50057);
    const parsed = this.#delegatedScope(app, form.scope ?? row.scopes.join(' '));
    if (isFailure(parsed)) return parsed;
    this.#recordUser(tenant, app, user, ctx, now, 0, parsed.resource, 'Mobile Apps and Desktop clients', false);
    return this.#issueForUser(tenant, app, user, parsed, form.scope ?? row.scopes.join(' '), now, ['pwd'], true);
  }

  async #authorizationCode(t: Tenant | 'common', form: Form, ctx: RequestContext, now: number): Promise<TokenSuccess | Failure> {
    if (!form.code) return fail(900144, { name: 'code' });
    const entry = this.#codes.get(form.code);
    if (!entry || entry.expiresAt <= now) return fail(70000, BAD_CODE);
    if (entry.redeemed) return fail(54005);
    if (!form.client_id || form.client_id.toLowerCase() !== entry.clientId) return fail(70000, BAD_CODE);
    if ((form.redirect_uri ?? '') !== entry.redirectUri) return fail(50011, { redirectUri: form.redirect_uri ?? '', appId: entry.clientId });
    const tenant = this.deps.directory.tenant(entry.tenantId)!;
    if (t !== 'common' && t.id !== tenant.id) return fail(70000, BAD_CODE);
    const app = this.#lookupApp(entry.clientId, tenant.id)!;
    if (entry.codeChallenge) {
      if (!form.code_verifier) return fail(900144, { name: 'code_verifier' });
      const computed = entry.codeChallengeMethod === 'S256' ? createHash('sha256').update(form.code_verifier).digest('base64url') : form.code_verifier;
      if (computed !== entry.codeChallenge) return fail(501481);
    }
    // PKCE proves who started the flow; a confidential client still proves what it is.
    if (app.secretHashes.length) {
      if (!form.client_secret) return fail(7000218);
      if (!(await this.#secretMatches(app, form.client_secret))) return fail(7000215, { appId: app.clientId });
    }
    entry.redeemed = true;
    const user = this.deps.directory.userById(entry.userId)!;
    const parsed = this.#delegatedScope(app, entry.scope);
    if (isFailure(parsed)) return parsed;
    return this.#issueForUser(tenant, app, user, parsed, entry.scope, now, ['pwd'], false, entry.nonce);
  }

  async #deviceCode(t: Tenant | 'common', form: Form, now: number): Promise<TokenSuccess | Failure> {
    const code = form.device_code ?? form.code;
    if (!code) return fail(900144, { name: 'device_code' });
    if (!form.client_id) return fail(900144, { name: 'client_id' });
    const entry = this.#devices.get(code);
    if (!entry || entry.redeemed) return fail(70000, BAD_DEVICE_CODE);
    if (entry.expiresAt <= now) return fail(70020);
    if (entry.declined) return fail(70000, BAD_DEVICE_CODE);
    if (form.client_id.toLowerCase() !== entry.clientId) return fail(70000, BAD_DEVICE_CODE);
    const app = this.#lookupApp(entry.clientId, t === 'common' ? '' : t.id)!;
    if (t !== 'common' && t.id !== app.tenantId) return fail(70000, BAD_DEVICE_CODE);
    if (!entry.userId) return fail(70016);
    entry.redeemed = true;
    const user = this.deps.directory.userById(entry.userId)!;
    const tenant = this.deps.directory.tenant(user.tenantId)!;
    const parsed = this.#delegatedScope(app, entry.scope);
    if (isFailure(parsed)) return parsed;
    return this.#issueForUser(tenant, app, user, parsed, entry.scope, now, ['pwd']);
  }

  // --- interactive steps (the /authorize form and the device login page) ---

  /** Validates an /authorize request before the sign-in form is shown. */
  checkAuthorizeRequest(tenantSegment: string, q: Form): Failure | { app: App } {
    const t = this.resolveTenant(tenantSegment);
    if (!t) return fail(90002, { tenant: tenantSegment });
    if (q.response_type !== 'code') return fail(9002313);
    const app = this.#app(t, q);
    if (isFailure(app)) return app;
    if (!q.redirect_uri || !redirectUriAllowed(app, q.redirect_uri)) return fail(50011, { redirectUri: q.redirect_uri ?? '', appId: app.clientId });
    const parsed = this.#delegatedScope(app, q.scope);
    if (isFailure(parsed)) return parsed;
    return { app };
  }

  /** The user submitted the sign-in form: check the password and mint a code. */
  async authorize(tenantSegment: string, q: Form, username: string, password: string, ctx: RequestContext): Promise<Failure | { code: string }> {
    const now = this.deps.clock.now();
    const checked = this.checkAuthorizeRequest(tenantSegment, q);
    if (isFailure(checked)) return checked;
    const t = this.resolveTenant(tenantSegment);
    const tenant = t === 'common' ? this.deps.directory.tenantForUpn(username) : (t as Tenant);
    if (!tenant) return fail(50034, { user: username, tenant: tenantSegment });
    // At common the user's tenant is known only now; the single-tenant app must live there, as ROPC requires.
    const inTenant = this.#app(tenant, q);
    if (isFailure(inTenant)) return inTenant;
    const parsed = this.#delegatedScope(checked.app, q.scope) as ParsedScope;
    // Interactive sign-in satisfies MFA (the emulator approves the second factor).
    const user = await this.#checkUser(tenant, checked.app, username, password, parsed.resource, ctx, now, 'Browser', true);
    if (isFailure(user)) return user;
    this.#prune(this.#codes, now);
    const code = randomBytes(32).toString('base64url');
    this.#codes.set(code, {
      tenantId: tenant.id,
      userId: user.id,
      clientId: checked.app.clientId,
      redirectUri: q.redirect_uri!,
      scope: q.scope ?? '',
      codeChallenge: q.code_challenge,
      codeChallengeMethod: q.code_challenge_method ?? (q.code_challenge ? 'plain' : undefined),
      nonce: q.nonce,
      expiresAt: now + this.deps.limits.authorizationCodeLifetimeSec * 1000,
      redeemed: false,
    });
    return { code };
  }

  startDeviceCode(tenantSegment: string, form: Form, verificationUri: string): { status: number; body: unknown } {
    const now = this.deps.clock.now();
    const t = this.resolveTenant(tenantSegment);
    if (!t) return aadstsError(90002, now, { tenant: tenantSegment });
    const app = this.#app(t, form);
    if (isFailure(app)) return aadstsError(app.code, now, app.details);
    const parsed = this.#delegatedScope(app, form.scope);
    if (isFailure(parsed)) return aadstsError(parsed.code, now, parsed.details);
    this.#prune(this.#devices, now);
    const deviceCode = randomBytes(48).toString('base64url');
    const userCode = randomUserCode();
    const lifetime = this.deps.limits.deviceCodeLifetimeSec;
    this.#devices.set(deviceCode, { tenantSegment, clientId: app.clientId, scope: form.scope!, userCode, expiresAt: now + lifetime * 1000 });
    this.#userCodes.set(userCode, deviceCode);
    return {
      status: 200,
      body: {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: lifetime,
        interval: this.deps.limits.deviceCodePollIntervalSec,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      },
    };
  }

  /** The device login page: the user typed the code and signed in. */
  async approveDevice(userCode: string, username: string, password: string, ctx: RequestContext): Promise<Failure | { ok: true }> {
    const now = this.deps.clock.now();
    const deviceCode = this.#userCodes.get(userCode.trim().toUpperCase());
    const entry = deviceCode ? this.#devices.get(deviceCode) : undefined;
    if (!entry || entry.expiresAt <= now) return fail(70020);
    const app = this.#lookupApp(entry.clientId, '')!;
    const t = this.resolveTenant(entry.tenantSegment);
    const tenant = t === 'common' || !t ? this.deps.directory.tenantForUpn(username) : t;
    if (!tenant) return fail(50034, { user: username, tenant: entry.tenantSegment });
    // As in authorize(): at common, the user's tenant must be the app's.
    const inTenant = this.#app(tenant, { client_id: entry.clientId });
    if (isFailure(inTenant)) return inTenant;
    const parsed = this.#delegatedScope(app, entry.scope) as ParsedScope;
    const user = await this.#checkUser(tenant, app, username, password, parsed.resource, ctx, now, 'Mobile Apps and Desktop clients', true);
    if (isFailure(user)) return user;
    entry.userId = user.id;
    return { ok: true };
  }

  // --- shared steps ---

  #app(t: Tenant | 'common', form: Form): App | Failure {
    if (!form.client_id) return fail(900144, { name: 'client_id' });
    const app = this.#lookupApp(form.client_id, t === 'common' ? '' : t.id);
    const tenantName = t === 'common' ? 'common' : t.id;
    // Apps are single-tenant: asking another tenant for one is "not found in the directory".
    if (!app || (t !== 'common' && app.tenantId !== t.id)) return fail(700016, { appId: form.client_id, tenant: tenantName });
    return app;
  }

  /** A tenant's registered app, or a first-party app (present in every tenant, first-party.ts). */
  #lookupApp(clientId: string, tenantId: string): App | undefined {
    return this.deps.directory.app(clientId) ?? firstPartyApp(clientId, tenantId);
  }

  #delegatedScope(app: App, scope: string | undefined): ParsedScope | Failure {
    if (!scope) return fail(900144, { name: 'scope' });
    const parsed = parseScope(scope);
    if (isScopeError(parsed)) return fail(parsed.code, { scope: parsed.scope });
    const granted = app.delegated.filter((p) => parsed.resource.delegated.includes(p));
    if (parsed.permissions.includes('.default')) return { ...parsed, permissions: granted };
    const missing = parsed.permissions.filter((p) => !app.delegated.includes(p));
    if (missing.length) return fail(65001, { appId: app.clientId, appName: app.displayName });
    return parsed;
  }

  /** The identity platform's own checks on a user's password (§6.7 step 4 for token flows). */
  async #checkUser(
    tenant: Tenant,
    app: App,
    username: string,
    password: string,
    resource: Resource,
    ctx: RequestContext,
    now: number,
    clientAppUsed: string,
    interactive: boolean,
  ): Promise<User | Failure> {
    const { directory, lockout, secrets } = this.deps;
    const user = directory.userByUpn(username);
    if (!user || user.tenantId !== tenant.id) {
      this.#recordUser(tenant, app, null, ctx, now, 50034, resource, clientAppUsed, interactive, username);
      return fail(50034, { user: username, tenant: tenant.domains[0] });
    }
    const record = (code: AadstsCode | 0) => this.#recordUser(tenant, app, user, ctx, now, code, resource, clientAppUsed, interactive);
    if (!user.settings.get('accountEnabled', now)) return record(50057), fail(50057);
    if (lockout.isLocked(user.id, now)) return record(50053), fail(50053);
    // App passwords are for Basic protocols; the token endpoint wants the real password.
    if (!user.passwordHash || !(await secrets.verify(password, user.passwordHash))) {
      lockout.fail(user.id, secrets.fingerprint(password), now);
      return record(50126), fail(50126);
    }
    lockout.succeed(user.id);
    // ROPC cannot answer an MFA challenge: per-user MFA and security defaults both refuse it.
    if (!interactive && (user.settings.get('mfa', now) || tenant.org.get('securityDefaults', now))) {
      return record(50076), fail(50076, { resource: resource.appId });
    }
    record(0);
    return user;
  }

  async #issueForUser(
    tenant: Tenant,
    app: App,
    user: User,
    parsed: ParsedScope,
    requestedScope: string,
    now: number,
    amr: string[],
    refreshed = false,
    nonce?: string,
  ): Promise<TokenSuccess> {
    const claims = this.#baseClaims(tenant, app, parsed, now);
    const roles = user.settings.get('roles', now);
    const wids = roles.map((r) => ROLE_TEMPLATE_IDS[r]).filter((x): x is string => !!x);
    const withOffline = requestedScope.split(/\s+/).includes('offline_access') || refreshed;
    const result = this.#respond(
      {
        ...claims,
        idtyp: 'user',
        appidacr: app.secretHashes.length ? '1' : '0',
        oid: user.id,
        sub: createHash('sha256').update(`${user.id}\0${app.clientId}`).digest('base64url').slice(0, 43),
        scp: parsed.permissions.join(' '),
        upn: user.upn,
        unique_name: user.upn,
        name: user.displayName,
        amr: user.settings.get('mfa', now) ? [...amr, 'mfa'] : amr,
        ...(wids.length ? { wids } : {}),
      },
      parsed,
      parsed.oidc.includes('openid') ? { user, app, tenant, now, nonce } : null,
    );
    const response = await result;
    if (withOffline) response.refresh_token = await this.#newRefreshToken(tenant, app, user, requestedScope, now);
    return response;
  }

  #baseClaims(tenant: Tenant, app: App, parsed: ParsedScope, now: number) {
    const iat = Math.floor(now / 1000);
    return {
      aud: parsed.audience,
      iss: v1Issuer(tenant.id),
      iat,
      nbf: iat,
      exp: iat + this.deps.limits.accessTokenLifetimeSec,
      tid: tenant.id,
      appid: app.clientId,
      app_displayname: app.displayName,
      ver: '1.0' as const,
      uti: this.deps.tokens.newUti(),
    };
  }

  async #respond(
    claims: AccessTokenClaims,
    parsed: ParsedScope,
    idToken: { user: User; app: App; tenant: Tenant; now: number; nonce?: string } | null,
  ): Promise<TokenSuccess> {
    const lifetime = this.deps.limits.accessTokenLifetimeSec;
    const granted = claims.scp ? claims.scp.split(' ') : ['.default'];
    const body: TokenSuccess = {
      token_type: 'Bearer',
      scope: granted.map((p) => `${parsed.audience}/${p}`).join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: await this.deps.tokens.sign(claims as unknown as Record<string, unknown>),
    };
    if (idToken) {
      const iat = Math.floor(idToken.now / 1000);
      body.id_token = await this.deps.tokens.sign({
        aud: idToken.app.clientId,
        iss: v2Issuer(idToken.tenant.id),
        iat,
        nbf: iat,
        exp: iat + lifetime,
        name: idToken.user.displayName,
        oid: idToken.user.id,
        preferred_username: idToken.user.upn,
        sub: claims.sub,
        tid: idToken.tenant.id,
        ver: '2.0',
        ...(idToken.nonce ? { nonce: idToken.nonce } : {}),
      });
    }
    return body;
  }

  async #newRefreshToken(tenant: Tenant, app: App, user: User, scope: string, now: number): Promise<string> {
    const token = `0.A${randomBytes(48).toString('base64url')}`;
    await this.deps.sql.query(
      'insert into refresh_tokens (hash, tenant_id, user_id, client_id, scopes, issued_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7)',
      [
        hashToken(token),
        tenant.id,
        user.id,
        app.clientId,
        JSON.stringify(scope.split(/\s+/).filter(Boolean)),
        new Date(now),
        new Date(now + this.deps.limits.refreshTokenLifetimeSec * 1000),
      ],
    );
    return token;
  }

  async #secretMatches(app: App, secret: string): Promise<boolean> {
    for (const hash of app.secretHashes) if (await this.deps.secrets.verify(secret, hash)) return true;
    return false;
  }

  #recordUser(
    tenant: Tenant,
    app: App,
    user: User | null,
    ctx: RequestContext,
    now: number,
    code: AadstsCode | 0,
    resource: Resource,
    clientAppUsed: string,
    interactive: boolean,
    typedUserName?: string,
  ): void {
    this.deps.signIns.record(
      newSignIn({
        at: now,
        tenantId: tenant.id,
        tenantName: tenant.domains[0],
        user,
        typedUserName,
        appId: app.clientId,
        appDisplayName: app.displayName,
        resourceId: resource.appId,
        resourceDisplayName: resource.displayName,
        clientAppUsed,
        ipAddress: ctx.ip,
        errorCode: code,
        details: { resource: resource.appId },
        isInteractive: interactive,
        userAgent: ctx.userAgent,
        correlationId: ctx.correlationId,
      }),
    );
  }

  #recordApp(tenant: Tenant, app: App, ctx: RequestContext, now: number, code: AadstsCode | 0, resource?: Resource): void {
    this.deps.signIns.record(
      newSignIn({
        at: now,
        tenantId: tenant.id,
        tenantName: tenant.domains[0],
        user: null,
        appId: app.clientId,
        appDisplayName: app.displayName,
        resourceId: resource?.appId,
        resourceDisplayName: resource?.displayName,
        clientAppUsed: 'Mobile Apps and Desktop clients',
        ipAddress: ctx.ip,
        errorCode: code,
        details: { appId: app.clientId },
        isInteractive: false,
        servicePrincipal: true,
        userAgent: ctx.userAgent,
        correlationId: ctx.correlationId,
      }),
    );
  }

  #error(failure: Failure, ctx: RequestContext, now: number): TokenResult {
    return aadstsError(failure.code, now, failure.details, ctx.correlationId ?? randomUUID());
  }

  #prune<T extends { expiresAt: number }>(table: Map<string, T>, now: number): void {
    if (table.size < MAX_PENDING_CODES) return;
    for (const [key, entry] of table) if (entry.expiresAt <= now) table.delete(key);
    while (table.size >= MAX_PENDING_CODES) table.delete(table.keys().next().value!);
    if (table === (this.#devices as Map<string, unknown>)) {
      const live = new Set(this.#devices.keys());
      for (const [userCode, deviceCode] of this.#userCodes) if (!live.has(deviceCode)) this.#userCodes.delete(userCode);
    }
  }
}

export { isFailure };

/** Entra's user codes: 9 characters from an alphabet without look-alikes. */
function randomUserCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(9);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
