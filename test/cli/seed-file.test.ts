// `exogate start --seed FILE`: a valid seed is applied once (its users sign in; a restart with
// the same file duplicates nothing); a broken one fails with exit code ≠ 0 and a message naming
// the file, the field's path and its line, and writes nothing: no new data folder, and an
// existing one left as it was.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { openStore } from '../../core/store/open.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { CliGateway, fileDigests, JWT, PORT_FLAGS, run, tempDir, type Endpoints } from './cli.js';

// Gateway starts and many short CLI runs: more than tap's default per-file timeout on a slow machine.
t.setTimeout(600_000);

// A seed of its own that reuses the name of a demo tenant (with its own users and id): the demo
// seed must stay out of this folder, or a restart without --seed would clash with it.
const VALID = `tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    authenticationPolicies:
      - name: No Basic POP
        allowBasicAuth: { pop: false }
    users:
      - upn: kim@contoso.com
        password: "Kim-Passw0rd!"
        roles: [GlobalAdministrator]
        messages:
          - |
            From: IT <it@contoso.com>
            To: Kim <kim@contoso.com>
            Subject: Hello

            Hi.
      - upn: lou@contoso.com
        password: "Lou-Passw0rd!"
        mfa: true
        appPasswords: ["loulouloulouloulo"]
        authenticationPolicy: No Basic POP
    apps:
      - clientId: 00000000-0000-0000-0000-0000000000d1
        displayName: Contoso Mail (public client)
        delegated: [IMAP.AccessAsUser.All, SMTP.Send]
`;

interface Broken {
  name: string;
  yaml: string;
  /** What stderr must say: the field's path with its line, and the problem. */
  expect: (string | RegExp)[];
}

const BROKEN: Broken[] = [
  {
    name: 'YAML syntax error',
    yaml: ['tenants:', '  - name: contoso', '    domains: [contoso.com', '    users:', '      - upn: a@contoso.com', ''].join('\n'),
    expect: [/YAML syntax error \(line 4, column \d+\)/, /Flow sequence/],
  },
  {
    name: 'unknown key',
    yaml: ['tenants:', '  - name: contoso', '    domains: [contoso.com]', '    users:', '      - upn: a@contoso.com', '        pasword: "x"', ''].join('\n'),
    expect: ['tenants[0].users[0].pasword (line 6)', /Unrecognized key: "pasword"/],
  },
  {
    name: 'wrong type',
    yaml: ['tenants:', '  - name: contoso', '    domains: [contoso.com]', '    securityDefaults: "no"', ''].join('\n'),
    expect: ['tenants[0].securityDefaults (line 4)', /expected boolean/],
  },
  {
    name: "a user outside the tenant's domains",
    yaml: ['tenants:', '  - name: contoso', '    domains: [contoso.com]', '    users:', '      - upn: a@contoso.com', '      - upn: b@fabrikam.com', ''].join('\n'),
    expect: ['tenants[0].users[1].upn (line 6)', /domain fabrikam\.com is not one of tenant "contoso"'s domains/],
  },
  {
    name: 'an undefined authentication policy',
    yaml: [
      'tenants:',
      '  - name: contoso',
      '    domains: [contoso.com]',
      '    authenticationPolicies:',
      '      - name: Block Basic',
      '        allowBasicAuth: { imap: false }',
      '    users:',
      '      - upn: a@contoso.com',
      '        authenticationPolicy: Block Basik',
      '',
    ].join('\n'),
    expect: ['tenants[0].users[0].authenticationPolicy (line 9)', /no authentication policy named "Block Basik"/],
  },
  {
    name: 'app passwords without MFA',
    yaml: ['tenants:', '  - name: contoso', '    domains: [contoso.com]', '    users:', '      - upn: a@contoso.com', '        password: "A-Passw0rd!"', '        appPasswords: ["abcdefghijklmnop"]', ''].join('\n'),
    expect: ['tenants[0].users[0].appPasswords (line 7)', /app passwords exist only with per-user MFA/],
  },
];

/** Broken only against the data the store already holds: found after the store is opened. */
const BROKEN_FOR_EXISTING: Broken[] = [
  {
    name: 'an existing tenant with another id, after a valid new user',
    yaml: [
      'tenants:',
      '  - name: newco',
      '    domains: [newco.com]',
      '    users:',
      '      - upn: ned@newco.com',
      '        password: "Ned-Passw0rd!"',
      '  - name: contoso',
      '    id: 11111111-2222-3333-4444-555555555555',
      '',
    ].join('\n'),
    expect: ['tenants[1].id (line 8)', /tenant "contoso" already exists with id/],
  },
  {
    name: 'a domain that belongs to an existing tenant',
    yaml: ['tenants:', '  - name: newco', '    domains: [contoso.com]', ''].join('\n'),
    expect: ['tenants[0].domains[0] (line 3)', /domain contoso\.com already belongs to tenant "contoso"/],
  },
];

/** Every row of every table, in a stable order: "same data" whatever PostgreSQL did to its files. */
async function dumpStore(dataDir: string): Promise<Record<string, string[]>> {
  const store = await openStore({ dataDir });
  try {
    const tables = await store.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' order by 1");
    const dump: Record<string, string[]> = {};
    for (const { name } of tables) {
      const rows = await store.query(`select * from "${name}"`);
      dump[name] = rows.map((r) => JSON.stringify(r)).sort();
    }
    return dump;
  } finally {
    await store.close();
  }
}

/**
 * The data folder's files outside the store (certificates, log), byte for byte. db/ is compared
 * through dumpStore: opening a PostgreSQL cluster to check a seed against it rewrites some of its
 * files (checkpoint, hint bits) without changing a row.
 */
const filesOutsideStore = (dataDir: string) => fileDigests(dataDir, (rel) => rel === 'db');

async function smtpBasicLogin(e: Endpoints, upn: string, secret: string): Promise<string> {
  const wire = await SmtpWire.open(e.ports.smtp!, { host: e.host });
  await wire.reply();
  await wire.command('EHLO seed-test.example');
  await wire.command('STARTTLS');
  await wire.starttls(readFileSync(e.caCert!, 'utf8'));
  await wire.command('EHLO seed-test.example');
  await wire.command('AUTH LOGIN');
  await wire.command(Buffer.from(upn).toString('base64'));
  const reply = await wire.command(Buffer.from(secret).toString('base64'));
  wire.send('QUIT');
  return reply;
}

t.test('a broken seed on a new data folder: exit ≠ 0, field and line named, no folder left', async (t) => {
  const dir = tempDir(t);
  for (const [i, c] of BROKEN.entries()) {
    await t.test(c.name, async (t) => {
      const file = join(dir, `broken-${i}.yaml`);
      writeFileSync(file, c.yaml);
      const data = join(dir, `data-${i}`);
      const res = await run(['start', '--seed', file, '--data', data, ...PORT_FLAGS]);
      t.not(res.code, 0, `exit code ${res.code}`);
      t.not(res.code, null, 'exits by itself (no signal)');
      t.match(res.stderr, 'the seed is not valid', 'says the seed is the problem');
      t.match(res.stderr, file, 'names the seed file');
      for (const e of c.expect) t.match(res.stderr, e);
      t.notMatch(res.stderr, /\n\s+at /, 'no stack trace');
      t.equal(res.stdout, '', 'no summary: nothing was started');
      t.notOk(existsSync(data), 'the data folder was not created');
    });
  }
  await t.test('a seed file that does not exist', async (t) => {
    const data = join(dir, 'data-missing');
    const res = await run(['start', '--seed', join(dir, 'nope.yaml'), '--data', data, ...PORT_FLAGS]);
    t.not(res.code, 0);
    t.match(res.stderr, /seed file not found: .*nope\.yaml/);
    t.notOk(existsSync(data), 'the data folder was not created');
  });
  t.same(
    readdirSync(dir).filter((f) => !f.endsWith('.yaml')),
    [],
    'nothing but the seed files in the parent folder: nothing half-written',
  );
});

t.test('a valid seed file: applied once, its users sign in, a restart duplicates nothing; broken seeds leave the folder as it was', async (t) => {
  const dir = tempDir(t);
  const seed = join(dir, 'contoso.yaml');
  writeFileSync(seed, VALID);
  const data = join(dir, 'data');

  let afterFirst: Record<string, string[]>;
  await t.test('first start applies the seed', async (t) => {
    const gw = await CliGateway.start(t, data, ['--seed', seed]);
    const e = gw.endpoints();
    t.notMatch(gw.stdout, /Demo accounts|alice@contoso\.com/, 'no demo tenant in a folder seeded from a file');

    const token = await run(['token', '--data', data, '--username', 'kim@contoso.com', '--password', 'Kim-Passw0rd!', '--client-id', '00000000-0000-0000-0000-0000000000d1']);
    t.equal(token.code, 0, `kim gets a token ${token.stderr}`);
    t.match(token.stdout.trim(), JWT);
    t.match(await smtpBasicLogin(e, 'kim@contoso.com', 'Kim-Passw0rd!'), /^235 /, 'kim signs in to SMTP with Basic');
    t.match(await smtpBasicLogin(e, 'lou@contoso.com', 'loulouloulouloulo'), /^235 /, 'lou signs in with her app password');

    t.same(await gw.stop('SIGTERM'), { code: 0, signal: null });
    afterFirst = await dumpStore(data);
    const users = afterFirst.users.map((r) => (JSON.parse(r) as { upn: string }).upn).sort();
    t.same(users, ['kim@contoso.com', 'lou@contoso.com'], "the seed's users, once each, and no demo account");
    t.equal(afterFirst.mail_messages.length, 1, "kim's preloaded message, once");
  });

  await t.test('a restart with the same --seed duplicates nothing', async (t) => {
    const gw = await CliGateway.start(t, data, ['--seed', seed]);
    const token = await run(['token', '--data', data, '--username', 'kim@contoso.com', '--password', 'Kim-Passw0rd!', '--client-id', '00000000-0000-0000-0000-0000000000d1']);
    t.equal(token.code, 0, 'kim still signs in');
    t.same(await gw.stop('SIGTERM'), { code: 0, signal: null });
    const after = await dumpStore(data);
    for (const table of ['tenants', 'tenant_domains', 'users', 'app_passwords', 'settings', 'apps', 'service_principals', 'mailbox_permissions', 'mail_folders', 'mail_messages']) {
      t.same(after[table], afterFirst[table], `${table}: unchanged`);
    }
    const log = readFileSync(join(data, 'exogate.log'), 'utf8');
    t.equal(log.match(/"msg":"seed applied"/g)?.length, 1, 'the log says the seed was applied once');
  });

  await t.test('broken seeds against this existing folder leave it as it was', async (t) => {
    const filesBefore = filesOutsideStore(data);
    const entriesBefore = readdirSync(data).sort();
    const dataBefore = await dumpStore(data);
    for (const [i, c] of [...BROKEN, ...BROKEN_FOR_EXISTING].entries()) {
      const file = join(dir, `broken-${i}.yaml`);
      writeFileSync(file, c.yaml);
      const res = await run(['start', '--seed', file, '--data', data, ...PORT_FLAGS]);
      t.not(res.code, 0, `${c.name}: exit code ${res.code}`);
      t.match(res.stderr, file, `${c.name}: names the file`);
      for (const e of c.expect) t.match(res.stderr, e, `${c.name}: ${String(e)}`);
      t.equal(res.stdout, '', `${c.name}: nothing started`);
    }
    t.same(readdirSync(data).sort(), entriesBefore, 'the same entries (no endpoints.json, nothing new)');
    t.same(filesOutsideStore(data), filesBefore, 'the same files, byte for byte (certificates, log)');
    t.same(await dumpStore(data), dataBefore, 'the same data in the store');
  });

  await t.test('a restart without --seed neither adds the demo tenants nor fails', async (t) => {
    // The demo seed is for a new folder only. Applied to this one, its tenant "contoso" (another
    // id) made the start fail; with other names it would silently add the demo tenants.
    const before = await dumpStore(data);
    const gw = await CliGateway.start(t, data);
    t.notMatch(gw.stdout, /Demo accounts|alice@contoso\.com/, 'no demo accounts listed');
    t.same(await gw.stop('SIGTERM'), { code: 0, signal: null });
    const after = await dumpStore(data);
    for (const table of ['tenants', 'users', 'settings', 'apps']) t.same(after[table], before[table], `${table}: unchanged`);
  });
});

