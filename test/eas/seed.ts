// The seed of the ActiveSync wire tests.
export const EAS_CLIENT = '00000000-0000-0000-0000-0000000000e1';

export const EAS_SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    users:
      - upn: alice@contoso.com
        password: "Alice-Passw0rd!"
      - upn: bob@contoso.com
        password: "Bob-Passw0rd!"
      - upn: carol@contoso.com
        password: "Carol-Passw0rd!"
      - upn: dave@contoso.com
        password: "Dave-Passw0rd!"
        casMailbox: { eas: false }
    apps:
      - clientId: ${EAS_CLIENT}
        displayName: EAS Test Client
        delegated: [EAS.AccessAsUser.All, SMTP.Send]
`;

export const ALICE = { upn: 'alice@contoso.com', password: 'Alice-Passw0rd!' };
export const BOB = { upn: 'bob@contoso.com', password: 'Bob-Passw0rd!' };
export const DAVE = { upn: 'dave@contoso.com', password: 'Dave-Passw0rd!' };
