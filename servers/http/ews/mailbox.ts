// Which mailbox an EWS request acts on, and on whose behalf. The sign-in gate decided who signed
// in; this reads the SOAP header's ExchangeImpersonation and settles the mailbox:
//
// - App-only tokens (full_access_as_app) must name one by impersonation. X-AnchorMailbox alone is
//   routing, not a mailbox: Exchange Online answers ErrorInvalidExchangeImpersonationHeaderData
//   ("must be present", captured in ews-managed-api #245 and client code working around it).
//   The named mailbox is decided again by the auth core (one pipeline; the second decision does
//   not count usage again). full_access_as_app opens every mailbox of the tenant, as in Exchange
//   Online: no service principal or Add-MailboxPermission is needed (application access
//   policies, which narrow it, are not modelled).
// - Delegated tokens and Basic act on the signer's own mailbox; impersonating another mailbox
//   needs FullAccess on it (choice: exogate has no ApplicationImpersonation role; FullAccess
//   stands for it). For a token the auth core decides that; for Basic it is looked up here,
//   as a second Basic decision would need the password again and leave a second sign-in record.
import type { Request } from 'express';
import { oauthAttempt, type Decision, type Outcome } from '../../../core/auth/attempt.js';
import type { Tenant, User } from '../../../core/tenants/model.js';
import { parseAuthorization } from '../auth/gate.js';
import type { HttpContext } from '../context.js';
import { EWS_ERRORS } from './replies.js';
import { EwsFault, type Impersonation } from './soap.js';

export interface Acting {
  tenant: Tenant;
  /** The mailbox the request acts on. */
  mailbox: User;
  /** Who acts: the signed-in user's id, or the app's service principal object id. */
  trustee: string;
}

/** An outcome the shared HTTP reply table renders (the gate's 403 for a switched-off mailbox). */
export class GateRefusal extends Error {
  constructor(readonly outcome: Exclude<Outcome, 'ok'>) {
    super(outcome);
  }
}

export async function actingMailbox(ctx: HttpContext, req: Request, decision: Decision, impersonation: Impersonation | undefined): Promise<Acting> {
  const tenant = decision.tenant!;
  if (decision.credential === 'app-token') {
    if (!impersonation) throw new EwsFault(EWS_ERRORS.impersonationRequired);
    const target = targetOf(ctx, tenant, impersonation);
    const trustee = [...tenant.servicePrincipals.values()].find((sp) => sp.appId === decision.appId)?.objectId ?? '';
    await decideAgain(ctx, req, target);
    return { tenant, mailbox: target, trustee };
  }
  const signer = decision.user!;
  const own = decision.mailbox ?? signer;
  if (!impersonation) return { tenant, mailbox: own, trustee: signer.id };
  const target = targetOf(ctx, tenant, impersonation);
  if (target.id === signer.id) return { tenant, mailbox: target, trustee: signer.id };
  if (decision.credential === 'user-token') {
    await decideAgain(ctx, req, target);
  } else {
    if (!hasFullAccess(tenant, target, signer.id)) throw new EwsFault(EWS_ERRORS.impersonateUserDenied);
    if (!target.settings.get('EwsEnabled', ctx.clock.now())) throw new GateRefusal('protocol-disabled-for-mailbox');
  }
  return { tenant, mailbox: target, trustee: signer.id };
}

/** The impersonated mailbox, which must be a mailbox of the caller's own tenant. */
function targetOf(ctx: HttpContext, tenant: Tenant, impersonation: Impersonation): User {
  // A SID names an on-premises account; Exchange Online's directory has none to match.
  const user = impersonation.kind === 'SID' ? undefined : ctx.directory.userByUpn(impersonation.value);
  if (!user || user.tenantId !== tenant.id) {
    throw new EwsFault(EWS_ERRORS.nonExistentMailbox, EWS_ERRORS.nonExistentMailbox.text, [['SmtpAddress', impersonation.value]]);
  }
  return user;
}

async function decideAgain(ctx: HttpContext, req: Request, target: User): Promise<void> {
  const credentials = parseAuthorization(req.get('authorization'));
  if (credentials?.kind !== 'bearer') throw new EwsFault(EWS_ERRORS.impersonateUserDenied);
  const decision = await ctx.auth.decide(
    oauthAttempt('ews', target.upn, credentials.token, { clientIp: req.socket.remoteAddress ?? '', tls: true, userAgent: req.get('user-agent'), countUsage: false }),
  );
  if (decision.outcome === 'ok' && decision.mailbox?.id === target.id) return;
  if (decision.outcome === 'protocol-disabled-for-mailbox') throw new GateRefusal(decision.outcome);
  throw new EwsFault(EWS_ERRORS.impersonateUserDenied);
}

/** Mailbox rights, as Add-MailboxPermission granted them (§8.2). */
export function hasFullAccess(tenant: Tenant, mailbox: User, trustee: string): boolean {
  return (tenant.mailboxPermissions.get(mailbox.id) ?? []).some((p) => p.trustee === trustee && p.rights === 'FullAccess');
}
