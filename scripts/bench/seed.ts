// The seed every benchmark runs against: many users (the per-mailbox session limit is three),
// one tenant where Basic works, one where a policy blocks it, one Microsoft has switched off.
export const BENCH_USERS = 1000;
export const BENCH_PASSWORD = 'Bench-Passw0rd!';

export const BENCH_SEED = `
tenants:
  - name: bench
    domains: [bench.test]
    phase: before-programme
    users:
      - upn: "user{n}@bench.test"
        count: ${BENCH_USERS}
        password: "Bench-Passw0rd!"
    apps:
      - clientId: 00000000-0000-0000-0000-00000000be01
        objectId: 00000000-0000-0000-0000-00000000be02
        secret: "bench-secret"
        delegated: [SMTP.Send, IMAP.AccessAsUser.All, POP.AccessAsUser.All]
        application: [SMTP.SendAsApp, IMAP.AccessAsApp]
  - name: policy
    domains: [policy.test]
    phase: before-programme
    authenticationPolicies: [ { name: NoBasic, allowBasicAuth: { smtp: false, imap: false, pop: false } } ]
    defaultAuthenticationPolicy: NoBasic
    users:
      - upn: "user{n}@policy.test"
        count: 100
        password: "Bench-Passw0rd!"
  - name: switchedoff
    domains: [off.test]
    phase: permanent
    users:
      - upn: "user{n}@off.test"
        count: 100
        password: "Bench-Passw0rd!"
`;

export const benchUser = (n: number, domain = 'bench.test', count = BENCH_USERS) => `user${(n % count) + 1}@${domain}`;
