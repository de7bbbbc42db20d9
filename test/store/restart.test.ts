// Persistence through the public library: a gateway on a data folder is stopped and started
// again, and everything a user did before is still there and still in force: the message that
// arrived over SMTP (same UID), a setting changed through a seed fragment, the emulated clock,
// the control token, the token-signing key (a token issued before still works) and the
// certificates (the CA a client trusted before still verifies the listeners).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import t, { type Test } from 'tap';
import { startGateway, type Gateway, type GatewayOptions } from '../../index.js';
import { https } from '../helpers/https.js';

const SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    users:
      - upn: alice@contoso.com
        password: "Alice-Passw0rd!"
      - upn: bob@contoso.com
        password: "Bob-Passw0rd!"
    apps:
      - clientId: 00000000-0000-0000-0000-0000000000a1
        displayName: Mail App
        secret: "app-secret"
        application: [IMAP.AccessAsApp, SMTP.SendAsApp]
        servicePrincipal: true
        mailboxPermissions: [ { mailbox: alice@contoso.com, rights: FullAccess } ]
`;

const TENANT_SMTP_DISABLED = /^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\./;
const CERT_FILES = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem'];

/** The whole scenario; `databaseUrl` puts the store on a PostgreSQL server (certs stay in the folder). */
async function restartScenario(t: Test, databaseUrl?: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'exogate-restart-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const options: GatewayOptions = {
    dataDir,
    databaseUrl,
    ports: { smtp: 0, smtps: 0, https: 0 },
    demo: false,
    seed: SEED, // given again at the restart, as `exogate start --seed` would be
    limits: { passwordHashCost: 10 },
  };
  const running = new Set<Gateway>();
  t.teardown(() => Promise.all([...running].map((g) => g.close())));
  const start = async () => {
    const gw = await startGateway(options);
    running.add(gw);
    return gw;
  };
  const stop = async (gw: Gateway) => {
    await gw.close();
    running.delete(gw);
  };
  const send = (gw: Gateway, ca: string, subject: string) =>
    nodemailer
      .createTransport({
        host: gw.host,
        port: gw.ports.smtp,
        secure: false,
        requireTLS: true,
        tls: { ca, servername: 'localhost' },
        auth: { user: 'alice@contoso.com', pass: 'Alice-Passw0rd!' },
      })
      .sendMail({ from: 'alice@contoso.com', to: 'bob@contoso.com', subject, text: `${subject}\n` });
  const smtpBasic = (gw: Gateway) =>
    gw.core.auth.decide({ protocol: 'smtp', kind: 'basic', username: 'alice@contoso.com', secret: 'Alice-Passw0rd!', clientIp: '127.0.0.1', tls: true });
  const folders = (gw: Gateway, upn: string) =>
    gw.core.store.query<{ name: string; uid_validity: number; uid_next: number }>(
      'select f.name, f.uid_validity, f.uid_next from mail_folders f join users u on u.id = f.user_id where u.upn = $1 order by f.name',
      [upn],
    );

  // --- before ---
  const first = await start();
  if (databaseUrl) t.equal(first.core.store.kind, 'postgres');
  else {
    t.equal(first.core.store.kind, 'pglite');
    t.ok(existsSync(join(dataDir, 'db', 'PG_VERSION')), 'the store is in <data>/db');
  }
  t.ok(existsSync(join(dataDir, 'endpoints.json')), 'endpoints.json written');
  const ca = first.caCert;
  const certs = Object.fromEntries(CERT_FILES.map((f) => [f, { bytes: readFileSync(join(dataDir, 'certs', f), 'utf8'), mtime: statSync(join(dataDir, 'certs', f)).mtimeMs }]));
  t.equal(certs['ca.pem'].bytes, ca, 'the CA the gateway hands out is <data>/certs/ca.pem');

  // The clock first: settings are effective-dated, so a change made now and a clock moved back
  // afterwards would put the change in the future.
  await first.clock.set('2021-07-01');
  t.equal(first.clock.now().toISOString().slice(0, 10), '2021-07-01');

  const sent = await send(first, ca, 'Before the restart');
  t.match(sent.response, /^250 2\.0\.0 OK/, 'submitted over SMTP with STARTTLS and AUTH');
  const inboxBefore = await first.core.control.messages('bob@contoso.com');
  t.equal(inboxBefore?.length, 1, 'the message landed in the recipient\'s INBOX');
  t.equal(inboxBefore![0].uid, 1);
  t.match(inboxBefore![0].body.toString(), /Subject: Before the restart/);
  t.equal(inboxBefore![0].internalDate.toISOString().slice(0, 10), '2021-07-01', 'dated by the emulated clock');
  t.same((await first.core.control.messages('alice@contoso.com', 'Sent Items'))?.map((m) => m.uid), [1], 'and a copy in the sender\'s Sent Items');
  const foldersBefore = await folders(first, 'bob@contoso.com');

  const tokenResponse = await https(first, 'POST', '/contoso.com/oauth2/v2.0/token', {
    form: { grant_type: 'client_credentials', client_id: '00000000-0000-0000-0000-0000000000a1', client_secret: 'app-secret', scope: 'https://outlook.office365.com/.default' },
  });
  t.equal(tokenResponse.status, 200, 'a token from the HTTPS token endpoint');
  const accessToken = tokenResponse.json<{ access_token: string }>().access_token;
  t.match(await first.core.tokens.verify(accessToken, first.clock.now().getTime()), { ok: true });

  const summary = await first.seed({ tenants: [{ name: 'contoso', smtpClientAuthenticationDisabled: true }] });
  t.equal(summary.settingsWritten, 1, 'the fragment changed one setting');
  t.match(await smtpBasic(first), { outcome: 'smtp-auth-disabled-tenant' }, 'Set-TransportConfig -SmtpClientAuthenticationDisabled applies');
  const refused = await send(first, ca, 'Refused').then(
    () => null,
    (e: unknown) => e,
  );
  t.match(refused, { responseCode: 535, response: TENANT_SMTP_DISABLED }, 'on the wire too');

  const clockBefore = first.clock.now().getTime();
  const controlToken = first.controlToken;
  await first.flush();
  const signInsBefore = (await first.core.store.query<{ n: number }>('select count(*) as n from signins'))[0].n;
  t.ok(signInsBefore >= 2, 'sign-ins recorded');
  await stop(first);
  t.notOk(existsSync(join(dataDir, 'endpoints.json')), 'a stopped gateway removes endpoints.json');

  // --- after ---
  const second = await start();
  t.not(second.ports.smtp, 0);

  const inboxAfter = await second.core.control.messages('bob@contoso.com');
  t.same(
    inboxAfter?.map((m) => ({ uid: m.uid, body: m.body.toString('latin1'), date: m.internalDate.getTime() })),
    inboxBefore!.map((m) => ({ uid: m.uid, body: m.body.toString('latin1'), date: m.internalDate.getTime() })),
    'the message is still there, with the same UID, bytes and date',
  );
  t.same(await folders(second, 'bob@contoso.com'), foldersBefore, 'UIDVALIDITY and UIDNEXT of every folder as they were');
  const bob = second.core.directory.userByUpn('bob@contoso.com')!;
  t.equal((await second.core.mail.deliver(bob.id, Buffer.from('Subject: after\r\n\r\nafter\r\n'))).uid, 2, 'the next UID follows on');

  t.match(await smtpBasic(second), { outcome: 'smtp-auth-disabled-tenant' }, 'the setting still applies');
  const refusedAfter = await send(second, ca, 'Still refused').then(
    () => null,
    (e: unknown) => e,
  );
  t.match(refusedAfter, { responseCode: 535, response: TENANT_SMTP_DISABLED }, 'on the wire too, over TLS trusting the CA from before');

  const clockAfter = second.clock.now().getTime();
  t.ok(clockAfter >= clockBefore, 'the clock resumed, not reset');
  t.ok(clockAfter - clockBefore < 3_600_000, 'near where it was (the real time between stop and start)');
  t.equal(second.clock.now().toISOString().slice(0, 10), '2021-07-01');

  t.equal(second.controlToken, controlToken, 'the control token is the same');
  t.equal(JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')).controlToken, controlToken, 'and so is endpoints.json\'s');
  const clockApi = await https(second, 'GET', '/_exogate/clock', { headers: { authorization: `Bearer ${controlToken}` } });
  t.equal(clockApi.status, 200, 'the old control token opens the control API');
  t.equal(clockApi.json<{ now: string }>().now.slice(0, 10), '2021-07-01');

  t.match(await second.core.tokens.verify(accessToken, second.clock.now().getTime()), { ok: true }, 'a token issued before the restart verifies: same signing key');
  t.match(
    await second.core.auth.decide({ protocol: 'imap', kind: 'oauth', username: 'alice@contoso.com', token: accessToken, clientIp: '127.0.0.1', tls: true }),
    { outcome: 'ok' },
    'and signs in (app-only IMAP with its mailbox permission)',
  );

  t.equal(second.caCert, ca, 'the same CA');
  for (const f of CERT_FILES) {
    const path = join(dataDir, 'certs', f);
    t.equal(readFileSync(path, 'utf8'), certs[f].bytes, `certs/${f} reused`);
    t.equal(statSync(path).mtimeMs, certs[f].mtime, `certs/${f} not rewritten`);
  }

  t.equal((await second.core.store.query<{ n: number }>('select count(*) as n from signins'))[0].n, signInsBefore, 'sign-in records kept');
  await stop(second);

  // A third start, after writes made by the second: still all there.
  const third = await start();
  t.same((await third.core.control.messages('bob@contoso.com'))?.map((m) => m.uid), [1, 2]);
  t.match(await smtpBasic(third), { outcome: 'smtp-auth-disabled-tenant' });
  await stop(third);
}

t.test('a restart on the same data folder keeps mail, settings, clock, tokens and certificates', (t) => restartScenario(t));

const DATABASE_URL = process.env.DATABASE_URL;
t.test('the same with the store on PostgreSQL (--database-url)', { skip: DATABASE_URL ? false : 'DATABASE_URL is not set' }, async (t) => {
  // A schema of its own, dropped at the end, so runs and the store suite never collide.
  const schema = `exogate_restart_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  t.teardown(async () => {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });
  const url = new URL(DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  await restartScenario(t, url.toString());
});
