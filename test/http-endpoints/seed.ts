// The seed and helpers of the Autodiscover / Outlook / Remote PowerShell / reporting tests.
import type { Gateway } from '../../index.js';
import { basicAuth, clientCredentialsToken, https, ropcToken, type Response } from '../helpers/https.js';

export const ALICE = { upn: 'alice@contoso.com', password: 'Alice-Passw0rd!' };
export const BOB = { upn: 'bob@contoso.com', password: 'Bob-Passw0rd!' };
export const MEGAN = { upn: 'megan@contoso.com', password: 'Megan-Passw0rd!' };
export const OPS = { upn: 'ops@fabrikam.com', password: 'Fabrikam-Passw0rd!' };
export const ADMIN_APP = '00000000-0000-0000-0000-00000000e0a1';
export const ADMIN_APP_OBJECT = '00000000-0000-0000-0000-00000000e0b1';
export const ADMIN_APP_SECRET = 'admin-app-secret';
export const PUBLIC_CLIENT = '00000000-0000-0000-0000-00000000e0a2';
export const FABRIKAM_CLIENT = '00000000-0000-0000-0000-00000000f0a2';

export const ENDPOINTS_SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    users:
      - upn: alice@contoso.com
        displayName: Alice Wilber
        password: "Alice-Passw0rd!"
        roles: [GlobalAdministrator]
        messages:
          - "From: Ops <ops@fabrikam.com>\\r\\nTo: alice@contoso.com\\r\\nSubject: Quarterly numbers\\r\\nMessage-ID: <q1@fabrikam.com>\\r\\nDate: Mon, 1 Jan 2024 10:00:00 +0000\\r\\n\\r\\nHello Alice\\r\\n"
      - upn: bob@contoso.com
        displayName: Bob Kelly
        password: "Bob-Passw0rd!"
        messages:
          - "From: Alice Wilber <alice@contoso.com>\\r\\nTo: bob@contoso.com\\r\\nSubject: Lunch?\\r\\nMessage-ID: <lunch@contoso.com>\\r\\n\\r\\nNoon?\\r\\n"
      - upn: megan@contoso.com
        displayName: Megan Bowen
        password: "Megan-Passw0rd!"
        roles: [ReportsReader]
    apps:
      - clientId: ${ADMIN_APP}
        objectId: ${ADMIN_APP_OBJECT}
        displayName: Admin Automation
        secret: "${ADMIN_APP_SECRET}"
        delegated: [EWS.AccessAsUser.All, Exchange.Manage]
        application: [Exchange.ManageAsApp, full_access_as_app]
        servicePrincipal: true
      - clientId: ${PUBLIC_CLIENT}
        displayName: Endpoint Tests Public Client
        delegated: [EWS.AccessAsUser.All, Exchange.Manage, EAS.AccessAsUser.All, IMAP.AccessAsUser.All]
  - name: fabrikam
    domains: [fabrikam.com]
    phase: before-programme
    users:
      - upn: ops@fabrikam.com
        displayName: Fabrikam Ops
        password: "Fabrikam-Passw0rd!"
        roles: [GlobalAdministrator]
    apps:
      - clientId: ${FABRIKAM_CLIENT}
        displayName: Fabrikam Public Client
        delegated: [EWS.AccessAsUser.All, Exchange.Manage]
`;

export const basic = basicAuth;

/** A delegated token (password flow) for one Exchange permission. */
export function delegatedToken(gw: Gateway, who: { upn: string; password: string }, permission = 'EWS.AccessAsUser.All', clientId = PUBLIC_CLIENT): Promise<string> {
  return ropcToken(gw, 'common', clientId, who, `https://outlook.office365.com/${permission}`);
}

export function adminAppToken(gw: Gateway): Promise<string> {
  return clientCredentialsToken(gw, 'contoso.com', { clientId: ADMIN_APP, secret: ADMIN_APP_SECRET });
}

/** The Exchange diagnostic headers every answer of an Exchange path carries (reference §5.1). */
export function exchangeHeaderNames(res: Response): string[] {
  return ['x-feserver', 'request-id', 'x-backendhttpstatus'].filter((h) => res.headers[h] !== undefined);
}

export { https };
