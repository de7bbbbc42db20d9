// What the cmdlet suites share: a seed with administrators, a reader, a plain user, apps for
// delegated and app-only admin tokens, a dehydrated tenant with SMTP AUTH off, and a tenant
// Microsoft blocked Basic for; tokens for them; and an InvokeCommand call as the V3 module makes it.
// Not a test file itself (no .test. in its name).
import type { Gateway } from '../../index.js';
import { clientCredentialsToken, https, ropcToken, type Response } from '../helpers/https.js';
import { b64, readyForAuth } from '../helpers/smtp-wire.js';

export const ADMIN_CLIENT = { contoso: '00000000-0000-0000-0000-0000000000c1', fabrikam: '00000000-0000-0000-0000-0000000000f1', litware: '00000000-0000-0000-0000-0000000000e1' };
export const MANAGE_APP = { clientId: '00000000-0000-0000-0000-0000000000c2', objectId: '00000000-0000-0000-0000-0000000000d2', secret: 'manage-secret' };
export const NO_SP_APP = { clientId: '00000000-0000-0000-0000-0000000000c3', secret: 'nosp-secret' };
/** An IMAP app with no Exchange service principal yet: New-ServicePrincipal registers it. */
export const IMAP_APP = { clientId: '00000000-0000-0000-0000-0000000000c4', objectId: '00000000-0000-0000-0000-0000000000d4', secret: 'imap-secret' };

export const USERS = {
  alice: { upn: 'alice@contoso.com', password: 'Alice-Passw0rd!' },
  exa: { upn: 'exa@contoso.com', password: 'Exa-Passw0rd!' },
  gina: { upn: 'gina@contoso.com', password: 'Gina-Passw0rd!' },
  bob: { upn: 'bob@contoso.com', password: 'Bob-Passw0rd!' },
  carol: { upn: 'carol@contoso.com', password: 'Carol-Passw0rd!' },
  erin: { upn: 'erin@contoso.com', password: 'Erin-Passw0rd!' },
  ops: { upn: 'ops@fabrikam.com', password: 'Fabrikam-Passw0rd!' },
  lee: { upn: 'lee@litware.com', password: 'Litware-Passw0rd!' },
} as const;

export const CMDLET_SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    users:
      - upn: alice@contoso.com
        password: "Alice-Passw0rd!"
        roles: [GlobalAdministrator]
      - upn: exa@contoso.com
        password: "Exa-Passw0rd!"
        roles: [ExchangeAdministrator]
      - upn: gina@contoso.com
        password: "Gina-Passw0rd!"
        roles: [GlobalReader]
      - upn: bob@contoso.com
        password: "Bob-Passw0rd!"
      - upn: carol@contoso.com
        displayName: Carol Jones
        password: "Carol-Passw0rd!"
      - upn: erin@contoso.com
        password: "Erin-Passw0rd!"
      - upn: shared@contoso.com
    apps:
      - clientId: ${ADMIN_CLIENT.contoso}
        displayName: Contoso Admin Client
        delegated: [Exchange.Manage, IMAP.AccessAsUser.All, User.Read]
      - clientId: ${MANAGE_APP.clientId}
        objectId: ${MANAGE_APP.objectId}
        displayName: Contoso Automation
        secret: "${MANAGE_APP.secret}"
        application: [Exchange.ManageAsApp]
        servicePrincipal: true
      - clientId: ${NO_SP_APP.clientId}
        displayName: Unregistered Automation
        secret: "${NO_SP_APP.secret}"
        application: [Exchange.ManageAsApp]
      - clientId: ${IMAP_APP.clientId}
        objectId: ${IMAP_APP.objectId}
        displayName: Mail Daemon
        secret: "${IMAP_APP.secret}"
        application: [IMAP.AccessAsApp]
  - name: fabrikam
    domains: [fabrikam.com]
    phase: before-programme
    dehydrated: true
    smtpClientAuthenticationDisabled: true
    users:
      - upn: ops@fabrikam.com
        password: "Fabrikam-Passw0rd!"
        roles: [GlobalAdministrator]
    apps:
      - clientId: ${ADMIN_CLIENT.fabrikam}
        displayName: Fabrikam Admin Client
        delegated: [Exchange.Manage]
  - name: litware
    domains: [litware.com]
    phase: before-programme
    basicAuthBlockedApps: [imap, pop, smtp]
    users:
      - upn: lee@litware.com
        password: "Litware-Passw0rd!"
        roles: [GlobalAdministrator]
    apps:
      - clientId: ${ADMIN_CLIENT.litware}
        displayName: Litware Admin Client
        delegated: [Exchange.Manage]
  - name: tailspin
    domains: [tailspin.com]
    users:
      - upn: kim@tailspin.com
        password: "Tailspin-Passw0rd!"
`;

type TenantKey = keyof typeof ADMIN_CLIENT;

/** A delegated token from the V3 module's sign-in (ROPC here), by default for Exchange.Manage. */
export function adminToken(gw: Gateway, user: { upn: string; password: string }, scope = 'https://outlook.office365.com/Exchange.Manage'): Promise<string> {
  const tenant = user.upn.slice(user.upn.indexOf('@') + 1).replace(/\.com$/, '') as TenantKey;
  return ropcToken(gw, `${tenant}.com`, ADMIN_CLIENT[tenant], user, scope);
}

export function appOnlyToken(gw: Gateway, app: { clientId: string; secret: string }): Promise<string> {
  return clientCredentialsToken(gw, 'contoso.com', app);
}

export interface InvokeOptions {
  tenant?: string;
  /** The Authorization header; default Bearer <token>. */
  authorization?: string;
  headers?: Record<string, string>;
}

/** POST /adminapi/beta/{tenant}/InvokeCommand with the headers the V3 module sends. */
export function invoke(gw: Gateway, accessToken: string, cmdlet: string, parameters: Record<string, unknown> = {}, options: InvokeOptions = {}): Promise<Response> {
  const tenant = options.tenant ?? 'contoso.com';
  return https(gw, 'POST', `/adminapi/beta/${tenant}/InvokeCommand`, {
    headers: {
      authorization: options.authorization ?? `Bearer ${accessToken}`,
      'x-cmdletname': cmdlet,
      'x-responseformat': 'json',
      'x-clientapplication': 'ExoManagementModule',
      'x-anchormailbox': 'UPN:alice@contoso.com',
      ...options.headers,
    },
    json: { CmdletInput: { CmdletName: cmdlet, Parameters: parameters } },
  });
}

export interface ODataError {
  error: {
    code: string;
    message: string;
    details?: { code: string; target: string; message: string }[];
    innererror: { message: string; type: string; stacktrace?: string; internalexception?: { message: string; type: string; stacktrace: string } };
  };
}

/** The cmdlet's own text of an error body (where the V3 module reads it). */
export function errorText(res: Response): string {
  const body = res.json<ODataError>();
  return body.error.innererror.internalexception?.message ?? body.error.message;
}

export const values = (res: Response) => res.json<{ value: Record<string, unknown>[] }>().value;

/** AUTH LOGIN over STARTTLS; the reply without Exchange's trailing bracket. */
export async function smtpLogin(port: number, ca: string, user: { upn: string; password: string }): Promise<string> {
  const wire = await readyForAuth(port, ca);
  try {
    await wire.command('AUTH LOGIN');
    await wire.command(b64(user.upn));
    return (await wire.command(b64(user.password))).replace(/ \[[^\]]+\]$/, '');
  } finally {
    wire.end();
  }
}

export const SMTP = {
  tenantDisabled: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
  basicDisabled: '535 5.7.139 Authentication unsuccessful, basic authentication is disabled.',
  ok: '235 2.7.0 Authentication successful',
} as const;

