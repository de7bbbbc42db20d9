// The client commands against one running gateway, started the way the README says
// (`npm start`, here with a temporary --data folder and every port at 0): `exogate token`,
// `exogate seed` and `exogate clock` find it through <data>/endpoints.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ALICE, CliGateway, DEMO_APP, DEMO_PUBLIC_CLIENT, JWT, run, tempDir } from './cli.js';

// Gateway starts and many short CLI runs: more than tap's default per-file timeout on a slow machine.
t.setTimeout(600_000);

const DAY = 86_400_000;

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

t.test('client commands against a gateway started with npm start', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  const gw = await CliGateway.start(t, data, [], { npm: true });
  const endpoints = gw.endpoints();
  const at = ['--data', data];

  await t.test('npm start printed the endpoints', async (t) => {
    for (const key of ['smtp', 'smtps', 'https'] as const) t.match(gw.stdout, `127.0.0.1:${endpoints.ports[key]}`, `${key} port`);
    t.match(gw.stdout, endpoints.caCert!, 'the CA path');
  });

  await t.test('exogate token', async (t) => {
    const app = await run(['token', ...at, '--tenant', 'contoso', '--client-id', DEMO_APP.clientId, '--client-secret', DEMO_APP.secret]);
    t.equal(app.code, 0, `client credentials: exit 0 ${app.stderr}`);
    const appToken = app.stdout.trim();
    t.match(appToken, JWT, 'prints a JWT (three dot-separated parts) and nothing else');
    t.equal(claims(appToken).appid, DEMO_APP.clientId, 'issued to the demo app');

    const user = await run(['token', ...at, '--username', ALICE.upn, '--password', ALICE.password, '--client-id', DEMO_PUBLIC_CLIENT]);
    t.equal(user.code, 0, `password flow: exit 0 ${user.stderr}`);
    const userToken = user.stdout.trim();
    t.match(userToken, JWT, 'prints a JWT');
    t.match(JSON.stringify(claims(userToken)), ALICE.upn, "carries alice's name");

    const json = await run(['token', ...at, '--tenant', 'contoso.com', '--client-id', DEMO_APP.clientId, '--client-secret', DEMO_APP.secret, '--json']);
    t.equal(json.code, 0);
    const response = JSON.parse(json.stdout) as { access_token: string; token_type: string; expires_in: number };
    t.match(response, { token_type: 'Bearer' }, '--json prints the whole token response');
    t.match(response.access_token, JWT);

    const bad = await run(['token', ...at, '--tenant', 'contoso', '--client-id', DEMO_APP.clientId, '--client-secret', 'not-the-secret']);
    t.not(bad.code, 0, 'a bad secret exits non-zero');
    t.match(bad.stderr, /AADSTS7000215: Invalid client secret provided/, "with Entra's AADSTS text on stderr");
    t.equal(bad.stdout, '', 'and prints no token');

    const noTenant = await run(['token', ...at, '--client-id', DEMO_APP.clientId, '--client-secret', DEMO_APP.secret]);
    t.not(noTenant.code, 0, 'an app token without --tenant');
    t.match(noTenant.stderr, /needs --tenant/);

    const wrongPassword = await run(['token', ...at, '--username', ALICE.upn, '--password', 'not-her-password', '--client-id', DEMO_PUBLIC_CLIENT]);
    t.not(wrongPassword.code, 0, 'a wrong password exits non-zero');
    t.match(wrongPassword.stderr, /AADSTS\d+/);
  });

  await t.test('exogate seed', async (t) => {
    const fragment = join(dir, 'fragment.yaml');
    writeFileSync(fragment, ['tenants:', '  - name: contoso', '    users:', '      - upn: zed@contoso.com', '        password: "Zed-Passw0rd!"', ''].join('\n'));
    const before = await run(['token', ...at, '--username', 'zed@contoso.com', '--password', 'Zed-Passw0rd!', '--client-id', DEMO_PUBLIC_CLIENT]);
    t.not(before.code, 0, 'zed cannot sign in before the fragment');

    const applied = await run(['seed', fragment, ...at]);
    t.equal(applied.code, 0, `the fragment is applied ${applied.stderr}`);
    t.match(JSON.parse(applied.stdout), { usersCreated: 1, tenantsCreated: 0 }, 'prints what it did');
    const zed = await run(['token', ...at, '--username', 'zed@contoso.com', '--password', 'Zed-Passw0rd!', '--client-id', DEMO_PUBLIC_CLIENT]);
    t.equal(zed.code, 0, `the new user signs in ${zed.stderr}`);
    t.match(zed.stdout.trim(), JWT);

    const again = await run(['seed', fragment, ...at]);
    t.equal(again.code, 0);
    t.match(JSON.parse(again.stdout), { usersCreated: 0, settingsWritten: 0 }, 'applying it again changes nothing');

    // Schema problem: named with the file, the field's path and its line.
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, ['tenants:', '  - name: contoso', '    users:', '      - upn: yan@contoso.com', '        mfa: "yes"', ''].join('\n'));
    const badType = await run(['seed', typo, ...at]);
    t.not(badType.code, 0, 'a fragment of the wrong shape exits non-zero');
    t.match(badType.stderr, 'the seed is not valid');
    t.match(badType.stderr, `${typo}: tenants[0].users[0].mfa (line 5)`, 'names the file, the field and the line');
    t.match(badType.stderr, /expected boolean/);

    // Problems between fields: every one is listed, and the fragment's valid part is not applied.
    const mixed = join(dir, 'mixed.yaml');
    writeFileSync(
      mixed,
      [
        'tenants:',
        '  - name: contoso',
        '    users:',
        '      - upn: yan@contoso.com',
        '        password: "Yan-Passw0rd!"',
        '      - upn: someone@fabrikam.com',
        '      - upn: xia@contoso.com',
        '        authenticationPolicy: No Such Policy',
        '',
      ].join('\n'),
    );
    const broken = await run(['seed', mixed, ...at]);
    t.not(broken.code, 0, 'a broken fragment exits non-zero');
    t.match(broken.stderr, `tenants[0].users[1].upn (line 6)`, 'lists the foreign domain');
    t.match(broken.stderr, /fabrikam\.com is not one of tenant "contoso"'s domains/);
    t.match(broken.stderr, `tenants[0].users[2].authenticationPolicy (line 8)`, 'and the undefined policy');
    t.match(broken.stderr, /no authentication policy named "No Such Policy"/);
    const yan = await run(['token', ...at, '--username', 'yan@contoso.com', '--password', 'Yan-Passw0rd!', '--client-id', DEMO_PUBLIC_CLIENT]);
    t.not(yan.code, 0, 'nothing of the broken fragment was applied (its valid user does not exist)');
  });

  await t.test('exogate clock', async (t) => {
    const now = await run(['clock', ...at]);
    t.equal(now.code, 0, now.stderr);
    t.match(now.stdout.trim(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'prints an ISO date');

    const set = await run(['clock', ...at, '--set', '2021-07-01T00:00:00Z']);
    t.equal(set.code, 0, set.stderr);
    const target = Date.parse('2021-07-01T00:00:00Z');
    const setTo = Date.parse(set.stdout.trim());
    t.ok(setTo >= target && setTo - target < 3_600_000, `--set prints about that date (${set.stdout.trim()})`);

    const read = await run(['clock', ...at]);
    const readAt = Date.parse(read.stdout.trim());
    t.ok(readAt >= target && readAt - target < 3_600_000, `exogate clock then prints about that date (${read.stdout.trim()})`);

    const advanced = await run(['clock', ...at, '--advance', '30d']);
    t.equal(advanced.code, 0, advanced.stderr);
    const advancedTo = Date.parse(advanced.stdout.trim());
    t.ok(advancedTo - readAt >= 30 * DAY && advancedTo - readAt < 30 * DAY + 3_600_000, `--advance 30d moves it 30 days (${advanced.stdout.trim()})`);

    const bad = await run(['clock', ...at, '--advance', 'soon']);
    t.not(bad.code, 0, 'a duration it cannot read exits non-zero');
    t.match(bad.stderr, /not a duration/);
    const unchanged = Date.parse((await run(['clock', ...at])).stdout.trim());
    t.ok(unchanged - advancedTo >= 0 && unchanged - advancedTo < 3_600_000, 'and does not move the clock');
  });

  await t.test('stopped like Ctrl-C in a terminal: SIGINT to npm and its children', async (t) => {
    await gw.stop('SIGINT');
    t.match(gw.stderr, /\bstopped\b/, 'the gateway says "stopped"');
    t.notMatch(gw.stderr, /forced exit/);
    t.notOk(gw.running);
    const gone = await run(['clock', ...at]);
    t.not(gone.code, 0, 'a client command then finds no gateway');
    t.match(gone.stderr, /no running exogate found/);
  });
});
