// Boots a gateway on free loopback ports for one test (the same startGateway() users call),
// and closes it when the test ends.
import type { Test } from 'tap';
import { startGateway, type Gateway, type GatewayOptions } from '../../index.js';

/** scrypt at 2^10: fast seeding in tests; the cost is a parameter, the code path is the same. */
export const TEST_LIMITS = { passwordHashCost: 10 } as const;

export async function bootGateway(t: Test, options: GatewayOptions = {}): Promise<Gateway> {
  const gateway = await startGateway({ demo: false, ...options, limits: { ...TEST_LIMITS, ...options.limits } });
  t.teardown(() => gateway.close());
  return gateway;
}

/** A small seed most wire tests start from: one tenant before the programme, users for each outcome. */
export const BASE_SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    authenticationPolicies:
      - name: NoBasic
        allowBasicAuth: { smtp: false, imap: false, pop: false }
    users:
      - upn: alice@contoso.com
        password: "Alice-Passw0rd!"
        roles: [GlobalAdministrator]
      - upn: bob@contoso.com
        password: "Bob-Passw0rd!"
        authenticationPolicy: NoBasic
      - upn: carol@contoso.com
        password: "Carol-Passw0rd!"
        mfa: true
        appPasswords: ["carolapppassword"]
      - upn: dave@contoso.com
        password: "Dave-Passw0rd!"
        casMailbox: { smtpClientAuthenticationDisabled: true, imap: false }
      - upn: erin@contoso.com
        password: "Erin-Passw0rd!"
      - upn: shared@contoso.com
    apps:
      - clientId: 00000000-0000-0000-0000-0000000000a1
        objectId: 00000000-0000-0000-0000-0000000000b1
        displayName: Mail App
        secret: "app-secret"
        delegated: [IMAP.AccessAsUser.All, SMTP.Send, POP.AccessAsUser.All, User.Read]
        application: [IMAP.AccessAsApp, SMTP.SendAsApp]
        redirectUris: ["http://localhost:8400/callback"]
        servicePrincipal: true
        mailboxPermissions: [ { mailbox: alice@contoso.com, rights: FullAccess } ]
      - clientId: 00000000-0000-0000-0000-0000000000a2
        displayName: Public Client
        delegated: [IMAP.AccessAsUser.All, SMTP.Send]
        redirectUris: ["http://localhost:8400/callback"]
      - clientId: 00000000-0000-0000-0000-0000000000a3
        displayName: Graph-only App
        secret: "graph-secret"
        delegated: [User.Read, AuditLog.Read.All]
        application: [AuditLog.Read.All]
  - name: fabrikam
    domains: [fabrikam.com]
    phase: before-programme
    smtpClientAuthenticationDisabled: true
    users:
      - upn: ops@fabrikam.com
        password: "Fabrikam-Passw0rd!"
      - upn: scanner@fabrikam.com
        password: "Scanner-Passw0rd!"
        casMailbox: { smtpClientAuthenticationDisabled: false }
    apps:
      - clientId: 00000000-0000-0000-0000-0000000000f1
        displayName: Fabrikam Public Client
        delegated: [SMTP.Send, IMAP.AccessAsUser.All]
  - name: northwind
    domains: [northwind.com]
    phase: before-programme
    securityDefaults: true
    users:
      - upn: ana@northwind.com
        password: "Northwind-Passw0rd!"
  - name: woodgrove
    domains: [woodgrove.com]
    phase: before-programme
    blockLegacyAuthentication: true
    users:
      - upn: sam@woodgrove.com
        password: "Woodgrove-Passw0rd!"
  - name: litware
    domains: [litware.com]
    basicAuthBlockedApps: [smtp, imap]
    phase: before-programme
    users:
      - upn: lee@litware.com
        password: "Litware-Passw0rd!"
`;
