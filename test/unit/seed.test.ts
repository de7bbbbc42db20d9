// Seed validation: every problem is reported with its field path and its line, all at once;
// cross-references are checked before anything is written; generated users expand.
import t from 'tap';
import { Directory } from '../../core/tenants/directory.js';
import { checkSeed } from '../../core/tenants/seed.js';
import { parseSeed, SeedError } from '../../core/tenants/seed-schema.js';
import { bootGateway } from '../helpers/gateway.js';

function problems(source: string): string[] {
  try {
    parseSeed(source, 'seed.yaml');
  } catch (error) {
    if (error instanceof SeedError) return error.problems;
    throw error;
  }
  return [];
}

async function crossProblems(source: string): Promise<string[]> {
  try {
    checkSeed(parseSeed(source, 'seed.yaml'), await Directory.empty());
  } catch (error) {
    if (error instanceof SeedError) return error.problems;
    throw error;
  }
  return [];
}

t.test('schema errors name the field and the line', async (t) => {
  const source = ['tenants:', '  - name: contoso', '    securityDefaults: yes please', '    users:', '      - upn: not-an-email', '        passwrd: x', 'clock: someday'].join('\n');
  const found = problems(source);
  t.match(found, [
    /^seed\.yaml: tenants\[0\]\.securityDefaults \(line 3\): .*boolean/,
    /^seed\.yaml: tenants\[0\]\.users\[0\]\.upn \(line 5\): must be a user principal name/,
    /^seed\.yaml: tenants\[0\]\.users\[0\]\.passwrd \(line 6\): Unrecognized key/,
    /^seed\.yaml: clock \(line 7\): not a date/,
  ]);
  t.equal(found.length, 4, 'all problems at once');
});

t.test('YAML syntax errors name the line', async (t) => {
  t.match(problems("tenants:\n  - name: [unclosed\n"), [/^seed\.yaml: .*\(line \d+/]);
});

t.test('unknown protocol ids and phases are refused with the valid ones', async (t) => {
  t.match(problems('tenants: [{ name: c, basicAuthBlockedApps: [imap4] }]'), [/basicAuthBlockedApps\[0\] \(line 1\): .*"imap"/]);
  t.match(problems('tenants: [{ name: c, phase: later }]'), [/phase \(line 1\): .*"permanent"/]);
});

t.test('cross-references are checked before anything is written', async (t) => {
  const found = await crossProblems(`
tenants:
  - name: contoso
    domains: [contoso.com]
    defaultAuthenticationPolicy: Missing
    users:
      - upn: alice@fabrikam.com
      - upn: bob@contoso.com
        authenticationPolicy: AlsoMissing
        appPasswords: [abc]
      - upn: bob@contoso.com
    apps:
      - clientId: 00000000-0000-0000-0000-0000000000a1
        delegated: [IMAP.AccessAsUser.Al]
        mailboxPermissions: [{ mailbox: nobody@contoso.com }]
  - name: Contoso
`);
  t.match(found.join('\n'), /defaultAuthenticationPolicy \(line 5\): no authentication policy named "Missing"/);
  t.match(found.join('\n'), /users\[0\]\.upn \(line 7\): alice@fabrikam\.com: domain fabrikam\.com is not one of tenant "contoso"'s domains/);
  t.match(found.join('\n'), /users\[1\]\.authenticationPolicy \(line 9\): no authentication policy named "AlsoMissing"/);
  t.match(found.join('\n'), /users\[1\]\.appPasswords \(line 10\): app passwords exist only with per-user MFA/);
  t.match(found.join('\n'), /users\[2\]\.upn \(line 11\): user bob@contoso\.com appears twice/);
  t.match(found.join('\n'), /delegated\[0\] \(line 14\): unknown permission "IMAP\.AccessAsUser\.Al"/);
  t.match(found.join('\n'), /mailboxPermissions\[0\]\.mailbox \(line 15\): no user nobody@contoso\.com/);
  t.match(found.join('\n'), /mailboxPermissions\[0\] \(line 15\): .*servicePrincipal: true/);
  t.match(found.join('\n'), /tenants\[1\]\.name \(line 16\): tenant "Contoso" appears twice/);
});

t.test('generated users, shared hashes, and idempotent re-application', async (t) => {
  const seed = `
tenants:
  - name: load
    domains: [load.test]
    phase: before-programme
    users:
      - upn: "user{n}@load.test"
        displayName: "Load user {n}"
        count: 200
        password: "Load-Passw0rd!"
`;
  const gw = await bootGateway(t, { seed });
  t.equal(gw.core.directory.tenant('load')!.users.size, 200);
  t.equal(gw.core.directory.userByUpn('user200@load.test')?.displayName, 'Load user 200');
  const decision = await gw.core.auth.decide({ protocol: 'smtp', kind: 'basic', username: 'user137@load.test', secret: 'Load-Passw0rd!', clientIp: '127.0.0.1', tls: true });
  t.equal(decision.outcome, 'ok');
  const again = await gw.seed(seed);
  t.same(again, { tenantsCreated: 0, usersCreated: 0, appsWritten: 0, settingsWritten: 0, messagesDelivered: 0 }, 're-applying the same seed writes nothing');
});
