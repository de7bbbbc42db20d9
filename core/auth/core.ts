// The one decision pipeline for every protocol (DESIGN.md "The decision pipeline").
//
// THE ORDER OF THE CHECKS — reference §6.7, §5.1, §10.5; where the reference leaves it open,
// the choice made here is marked (choice):
//
// Basic (username + password or app password)
//   0. Tenant by the user name's domain. None → unknown-tenant (no directory, so no record).
//   1. Protocol gates that also stop OAuth: SMTP AUTH disabled for the mailbox (CASMailbox
//      $true wins, $false overrides the org) or for the tenant (TransportConfig) (§6.3, §6.7-2).
//      (choice) Before the Basic gate: the reference leaves their precedence open.
//   2. Exchange's pre-authentication Basic gate — no sign-in record, the IdP never sees it:
//      SMTP AUTH's own Basic retirement (§4.4) → authentication policy (user's, else the org
//      default) → Microsoft's block (BasicAuthBlockedApps and the programme phase) → security
//      defaults (§6.7-3, in the reference's order).
//   3. The identity platform — every outcome from here leaves a sign-in record:
//      unknown user (50034) → disabled account (50057) → smart lockout (50053) → password or
//      app password (50126; app passwords only count for per-user-MFA users) → conditional
//      access "block legacy authentication" (53003) → per-user MFA with the plain password
//      (50076). (choice) Lockout before the password, as Entra does, so a locked account
//      fails even with the right password; policies after the password, as Entra evaluates
//      conditional access after the first factor.
//   4. The mailbox: CASMailbox protocol switch (ImapEnabled...) → protocol-disabled-for-mailbox
//      with a *successful* sign-in record (Entra said yes, Exchange refuses the mailbox).
//
// OAuth (XOAUTH2 / Bearer)
//   1. Token: signature and issuer (token-invalid), lifetime (token-expired), audience is
//      Exchange Online (wrong-audience), tenant exists (unknown-tenant).
//   2. SMTP AUTH disabled for mailbox/tenant, as for Basic (§4.2: returned for XOAUTH2 too).
//   3. Permission: delegated tokens need the protocol's scope, app-only tokens its role
//      (missing-scope); app-only needs an Exchange service principal and a mailbox permission,
//      and a user token naming another mailbox needs FullAccess to it (no-mailbox-permission).
//   4. The mailbox's protocol switch, as for Basic.
//   Using a token leaves no sign-in record: Entra logged the sign-in when it issued the token.
//
// Successful Basic and OAuth sign-ins count toward the programme's usage, separately.
import type { Clock } from '../clock.js';
import { EXCHANGE_AUDIENCES, EXCHANGE_APP_ID } from '../identity/resources.js';
import type { AccessTokenClaims, TokenService, VerifiedToken } from '../identity/tokens.js';
import { microsoftBlocksBasic, smtpBasicRetired } from '../programme/blocks.js';
import { PROTOCOLS, type ProtocolFacts } from '../protocols.js';
import { newSignIn, OUTCOME_ERROR_CODES } from '../signins/record.js';
import type { SignInWriter } from '../signins/writer.js';
import type { Directory } from '../tenants/directory.js';
import { policyAt, type Tenant, type User } from '../tenants/model.js';
import type { SecretVerifier } from '../tenants/passwords.js';
import type { AuthAttempt, Decision, Outcome } from './attempt.js';
import type { Lockout } from './lockout.js';

/** The conditional-access policy a seed's `blockLegacyAuthentication: true` stands for. */
export const BLOCK_LEGACY_POLICY = { id: '0f0b1a2c-6d2e-4a55-9c1e-b10c4e9a1e9a', displayName: 'Block legacy authentication' };

export interface AuthCoreDeps {
  clock: Clock;
  directory: Directory;
  tokens: TokenService;
  secrets: SecretVerifier;
  lockout: Lockout;
  signIns: SignInWriter;
}

export class AuthCore {
  constructor(readonly deps: AuthCoreDeps) {}

  decide(attempt: AuthAttempt): Promise<Decision> {
    const now = this.deps.clock.now();
    const decision = attempt.kind === 'basic' ? this.#basic(attempt, now) : this.#oauth(attempt, now);
    return decision instanceof Promise ? decision : Promise.resolve(decision);
  }

  // Synchronous whenever the secret's verification is already known (a repeated sign-in), so
  // the hot path allocates no promise chain; scrypt is awaited only for a secret seen anew.
  #basic(a: AuthAttempt, now: number): Decision | Promise<Decision> {
    const { directory, lockout, secrets } = this.deps;
    const facts = PROTOCOLS[a.protocol];
    const tenant = directory.tenantForUpn(a.username);
    if (!tenant) return this.#refuse(a, 'unknown-tenant');
    const found = directory.userByUpn(a.username);
    const user = found && found.tenantId === tenant.id ? found : undefined;

    // 1. Protocol gates that stop OAuth too.
    const gate = a.protocol === 'smtp' ? smtpAuthGate(tenant, user, now) : null;
    if (gate) return this.#refuse(a, gate, tenant, user);

    // 2. Exchange's pre-authentication Basic gate: the identity platform never hears of these.
    if (a.protocol === 'smtp' && smtpBasicRetired(tenant, now)) return this.#refuse(a, 'smtp-basic-retired', tenant, user);
    const policyName = (user && user.settings.get('authenticationPolicy', now)) ?? tenant.org.get('defaultAuthenticationPolicy', now);
    const policy = policyName ? policyAt(tenant, policyName, now) : null;
    if (policy && policy.allowBasic[a.protocol] === false) return this.#refuse(a, 'basic-blocked-by-policy', tenant, user);
    if (microsoftBlocksBasic(tenant, a.protocol, now)) return this.#refuse(a, 'basic-blocked-by-microsoft', tenant, user);
    if (tenant.org.get('securityDefaults', now)) return this.#refuse(a, 'security-defaults', tenant, user);

    // 3. The identity platform.
    if (!user) return this.#recorded(a, facts, now, 'unknown-user', tenant);
    if (!user.settings.get('accountEnabled', now)) return this.#recorded(a, facts, now, 'account-disabled', tenant, user);
    if (lockout.isLocked(user.id, now)) return this.#recorded(a, facts, now, 'locked-out', tenant, user);
    const mfa = user.settings.get('mfa', now);
    const secret = a.secret ?? '';
    const known = this.#knownCredential(user, secret, mfa);
    if (known !== undefined) return this.#afterCredential(a, facts, now, tenant, user, mfa, known);
    return this.#checkSecret(user, secret, mfa).then((credential) => this.#afterCredential(a, facts, now, tenant, user, mfa, credential));
  }

  #afterCredential(
    a: AuthAttempt,
    facts: ProtocolFacts,
    now: number,
    tenant: Tenant,
    user: User,
    mfa: boolean,
    credential: 'password' | 'app-password' | null,
  ): Decision {
    const { lockout, secrets } = this.deps;
    if (!credential) {
      lockout.fail(user.id, secrets.fingerprint(a.secret ?? ''), this.deps.clock.now());
      return this.#recorded(a, facts, now, 'bad-credentials', tenant, user);
    }
    lockout.succeed(user.id);
    if (tenant.org.get('blockLegacyAuthentication', now)) return this.#recorded(a, facts, now, 'conditional-access', tenant, user, credential);
    if (mfa && credential === 'password') return this.#recorded(a, facts, now, 'mfa-required', tenant, user, credential);

    // 4. The mailbox.
    if (facts.casMailboxSwitch && !user.settings.get(facts.casMailboxSwitch, now)) {
      return this.#recorded(a, facts, now, 'protocol-disabled-for-mailbox', tenant, user, credential);
    }
    if (a.countUsage !== false) this.deps.signIns.countUsage(tenant.id, a.protocol, 'basic', now, user.id, a.deviceId || a.userAgent);
    return this.#recorded(a, facts, now, 'ok', tenant, user, credential);
  }

  #oauth(a: AuthAttempt, now: number): Decision | Promise<Decision> {
    const token = a.token ?? '';
    const cached = this.deps.tokens.verifyCached(token, now);
    if (cached) return this.#oauthVerified(a, now, cached);
    return this.deps.tokens.verify(token, now).then((verified) => this.#oauthVerified(a, now, verified));
  }

  #oauthVerified(a: AuthAttempt, now: number, verified: VerifiedToken): Decision {
    const { directory } = this.deps;
    const facts = PROTOCOLS[a.protocol];
    if (!verified.ok) return decision(a, verified.problem === 'expired' ? 'token-expired' : 'token-invalid', { tokenProblem: verified.problem });
    const claims = verified.claims;
    if (!EXCHANGE_AUDIENCES.has(claims.aud)) return decision(a, 'wrong-audience', { tokenProblem: 'wrong-audience' });
    const tenant = directory.tenant(claims.tid);
    if (!tenant || tenant.id !== claims.tid) return decision(a, 'unknown-tenant', { tokenProblem: 'unknown-tenant' });
    const appOnly = claims.idtyp === 'app' || (!claims.scp && Array.isArray(claims.roles));
    const named = a.username ? directory.userByUpn(a.username) : undefined;
    const target = named && named.tenantId === tenant.id ? named : undefined;
    const signer = appOnly ? undefined : directory.userById(claims.oid);
    const mailbox = appOnly || a.username ? target : signer;
    const d = { tenant, user: signer, mailbox, appId: claims.appid, credential: appOnly ? ('app-token' as const) : ('user-token' as const) };
    if (!appOnly && (!signer || signer.tenantId !== tenant.id)) return decision(a, 'token-invalid', { ...d, user: undefined, mailbox: undefined, tokenProblem: 'unparseable' });

    // 2. SMTP AUTH switches stop OAuth as well.
    if (a.protocol === 'smtp') {
      const gate = smtpAuthGate(tenant, mailbox ?? signer, now);
      if (gate) return decision(a, gate, d);
    }

    // 3. Permissions.
    if (!hasPermissionFor(facts, claims, appOnly)) return decision(a, 'missing-scope', { ...d, tokenProblem: 'no-permission' });
    if (appOnly && facts.appRoleCoversAllMailboxes) {
      // full_access_as_app opens every mailbox of the tenant by itself: no service principal, no
      // Add-MailboxPermission (application access policies, which would narrow it, are not modelled).
      if (!mailbox) return a.mailboxOptional ? this.#accept(a, now, d) : decision(a, 'no-mailbox-permission', d);
    } else if (appOnly) {
      // Exchange finds the service principal by the token's oid: New-ServicePrincipal must have been
      // given the enterprise application's object id, not the app registration's (§8.2).
      const sp = tenant.servicePrincipals.get(claims.oid);
      if (!mailbox) return a.mailboxOptional && sp ? this.#accept(a, now, d) : decision(a, 'no-mailbox-permission', d);
      if (!sp || !mailboxPermitted(tenant, mailbox, sp.objectId, a.protocol === 'smtp')) return decision(a, 'no-mailbox-permission', d);
    } else {
      if (!mailbox) return decision(a, 'no-mailbox-permission', d);
      if (mailbox.id !== signer!.id && !mailboxPermitted(tenant, mailbox, signer!.id, a.protocol === 'smtp')) return decision(a, 'no-mailbox-permission', d);
    }

    // 4. The mailbox's own switch.
    if (facts.casMailboxSwitch && !mailbox.settings.get(facts.casMailboxSwitch, now)) return decision(a, 'protocol-disabled-for-mailbox', d);
    return this.#accept(a, now, d);
  }

  #accept(a: AuthAttempt, now: number, d: DecisionFields): Decision {
    if (a.countUsage !== false) this.deps.signIns.countUsage(d.tenant!.id, a.protocol, 'oauth', now);
    return decision(a, 'ok', d);
  }

  /** The credential check's answer if every secret involved was verified before; else undefined. */
  #knownCredential(user: User, secret: string, mfa: boolean): 'password' | 'app-password' | null | undefined {
    const { secrets } = this.deps;
    let unknown = false;
    if (user.passwordHash) {
      const ok = secrets.known(secret, user.passwordHash);
      if (ok) return 'password';
      if (ok === undefined) unknown = true;
    }
    if (mfa) {
      for (const app of user.appPasswords) {
        const ok = secrets.known(secret, app.hash);
        if (ok) return 'app-password';
        if (ok === undefined) unknown = true;
      }
    }
    return unknown ? undefined : null;
  }

  async #checkSecret(user: User, secret: string, mfa: boolean): Promise<'password' | 'app-password' | null> {
    const { secrets } = this.deps;
    if (user.passwordHash && (await secrets.verify(secret, user.passwordHash))) return 'password';
    // App passwords exist only alongside per-user MFA (§6.6); they are Basic credentials all the same.
    if (mfa) for (const app of user.appPasswords) if (await secrets.verify(secret, app.hash)) return 'app-password';
    return null;
  }

  #refuse(a: AuthAttempt, outcome: Outcome, tenant?: Tenant, user?: User): Decision {
    return decision(a, outcome, { tenant, user, mailbox: user });
  }

  /** A decision the identity platform took part in: it leaves a sign-in record. */
  #recorded(
    a: AuthAttempt,
    facts: ProtocolFacts,
    now: number,
    outcome: Outcome,
    tenant: Tenant,
    user?: User,
    credential?: 'password' | 'app-password',
  ): Decision {
    const errorCode = OUTCOME_ERROR_CODES[outcome];
    const blocked = outcome === 'conditional-access';
    const record = newSignIn({
      at: now,
      tenantId: tenant.id,
      tenantName: tenant.domains[0],
      user: user ?? null,
      typedUserName: user ? undefined : a.username,
      clientAppUsed: facts.clientAppUsed,
      ipAddress: a.clientIp,
      errorCode,
      // Conditional access is evaluated after the first factor; only the block shows it applied.
      conditionalAccessPolicy: blocked ? BLOCK_LEGACY_POLICY : null,
      blockedByConditionalAccess: blocked,
      userAgent: a.userAgent,
      deviceId: a.deviceId,
    });
    this.deps.signIns.record(record);
    return decision(a, outcome, { tenant, user, mailbox: user, appId: EXCHANGE_APP_ID, credential, signInId: record.id });
  }
}

type DecisionFields = Partial<Pick<Decision, 'tenant' | 'user' | 'mailbox' | 'appId' | 'credential' | 'signInId' | 'tokenProblem'>>;

/** Every decision has the same shape (fields in one order), which keeps the hot path monomorphic. */
function decision(a: AuthAttempt, outcome: Outcome, f: DecisionFields = {}): Decision {
  return {
    outcome,
    protocol: a.protocol,
    kind: a.kind,
    tenant: f.tenant,
    user: f.user,
    mailbox: f.mailbox,
    appId: f.appId,
    credential: f.credential,
    errorCode: OUTCOME_ERROR_CODES[outcome],
    signInId: f.signInId,
    tokenProblem: f.tokenProblem,
  };
}

/** SMTP AUTH switches (§6.3): the mailbox's value wins; $null inherits the organization's. */
export function smtpAuthGate(tenant: Tenant, user: User | undefined, now: number): 'smtp-auth-disabled-mailbox' | 'smtp-auth-disabled-tenant' | null {
  const mailbox = user?.settings.get('SmtpClientAuthenticationDisabled', now) ?? null;
  if (mailbox === true) return 'smtp-auth-disabled-mailbox';
  if (mailbox === false) return null;
  return tenant.org.get('smtpClientAuthenticationDisabled', now) ? 'smtp-auth-disabled-tenant' : null;
}

function hasPermissionFor(facts: ProtocolFacts, claims: AccessTokenClaims, appOnly: boolean): boolean {
  if (appOnly) return !!facts.applicationRole && (claims.roles ?? []).includes(facts.applicationRole);
  if (!facts.delegatedScope) return true;
  return (claims.scp ?? '').split(' ').includes(facts.delegatedScope);
}

/** FullAccess opens a mailbox; sending (SMTP) as it also accepts SendAs (§8.2). */
function mailboxPermitted(tenant: Tenant, mailbox: User, trustee: string, sending: boolean): boolean {
  const granted = tenant.mailboxPermissions.get(mailbox.id) ?? [];
  return granted.some((p) => p.trustee === trustee && (p.rights === 'FullAccess' || (sending && p.rights === 'SendAs')));
}
