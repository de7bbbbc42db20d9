// Issue 6 "Done means", first bullet: `exogate load` (the real command, as a process) drives a
// short mixed run against a gateway started here, and its summary counts agree with the sign-in
// log: every wrong password left a record, every token issued left one, the Basic that Microsoft
// blocks left none. Counts, never timings.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootGateway } from '../helpers/gateway.js';
import { BIN } from '../cli/cli.js';
import { agentFor, countRecords, fetchText } from '../../scripts/bench/signins.js';
import type { Gateway } from '../../index.js';

const PUBLIC_CLIENT = '00000000-0000-0000-0000-00000000c0a2';
const USERS = 12;
const SEED = `
tenants:
  - name: loadtest
    domains: [load.test]
    phase: before-programme
    users:
      - upn: "user{n}@load.test"
        count: ${USERS}
        password: "Load-Passw0rd!"
    apps:
      - clientId: ${PUBLIC_CLIENT}
        displayName: Load Client
        delegated: [IMAP.AccessAsUser.All, POP.AccessAsUser.All, SMTP.Send, EWS.AccessAsUser.All, EAS.AccessAsUser.All]
  - name: switchedoff
    domains: [off.test]
    phase: permanent
    users:
      - upn: "user{n}@off.test"
        count: ${USERS}
        password: "Load-Passw0rd!"
`;

interface LoadJson {
  command: string;
  sessions: number;
  errors: number;
  tokens: { fetched: number; refused: number };
  outcomes: Record<string, number>;
  scenarios: { name: string; sessions: number; errors: number; outcomes: Record<string, number> }[];
  timeline: unknown[];
  histogram: [number, number][];
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'load', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function gatewayWithEndpoints(t: Test): Promise<{ gateway: Gateway; endpointsFile: string }> {
  // The classic front end still takes Basic IMAP/POP3 (the 2026 tcpproxy era refuses it outright).
  const gateway = await bootGateway(t, { seed: SEED, limits: { mailFrontEnd: 'classic' } });
  const dir = mkdtempSync(join(tmpdir(), 'exogate-load-'));
  writeFileSync(join(dir, 'ca.pem'), gateway.caCert);
  const endpointsFile = join(dir, 'endpoints.json');
  writeFileSync(endpointsFile, JSON.stringify({ ...gateway.endpoints, caCert: join(dir, 'ca.pem') }));
  return { gateway, endpointsFile };
}

const byName = (json: LoadJson, prefix: string) => json.scenarios.find((s) => s.name.startsWith(prefix))!;

async function logCount(gateway: Gateway, tenant: string, filter: string): Promise<number> {
  const target = { port: gateway.ports.https, ca: gateway.caCert };
  const agent = agentFor(target);
  try {
    return await countRecords(agent, target, gateway.controlToken, tenant, filter);
  } finally {
    agent.destroy();
  }
}

t.test('IMAP over TLS: a mix of blocked Basic, wrong passwords and OAuth, counted against the sign-in log', async (t) => {
  const { gateway, endpointsFile } = await gatewayWithEndpoints(t);
  const dir = mkdtempSync(join(tmpdir(), 'exogate-load-out-'));
  const jsonFile = join(dir, 'run.json');
  const reportFile = join(dir, 'run.html');
  const run = await runCli([
    '--endpoints', endpointsFile,
    '--protocol', 'imap',
    '--users', `1-${USERS}`,
    '--mix', '2:basic:user{n}@off.test:Load-Passw0rd!',
    '--mix', '1:basic:user{n}@load.test:not-the-password',
    '--mix', '3:oauth:user{n}@load.test:Load-Passw0rd!',
    '--client-id', PUBLIC_CLIENT,
    '--concurrency', '6',
    '--count', '72',
    '--action', 'fetch',
    '--json', jsonFile,
    '--report', reportFile,
  ]);
  t.equal(run.code, 0, run.stderr);
  const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as LoadJson;
  t.equal(json.sessions, 72, 'every session answered');
  t.equal(json.errors, 0, 'no session without an answer');

  const blocked = byName(json, 'basic user{n}@off.test');
  const wrong = byName(json, 'basic user{n}@load.test');
  const oauth = byName(json, 'oauth user{n}@load.test');
  t.same(blocked.outcomes, { 'NO LOGIN failed.': 24 }, 'Basic on a switched-off tenant: 2 shares of 6');
  t.same(wrong.outcomes, { 'NO LOGIN failed.': 12 }, 'a wrong password: 1 share of 6');
  t.same(oauth.outcomes, { 'OK AUTHENTICATE completed. → OK [READ-WRITE] SELECT completed.': 36 }, 'XOAUTH2 signs in and selects the inbox: 3 shares of 6');
  t.same(json.tokens, { fetched: USERS, refused: 0 }, 'one token per user, cached for the rest of the run');

  // The sign-in log holds what the summary says happened.
  t.equal(await logCount(gateway, 'load.test', "clientAppUsed eq 'IMAP4' and status/errorCode eq 50126"), 12, 'a 50126 record for each wrong password');
  t.equal(await logCount(gateway, 'off.test', "clientAppUsed eq 'IMAP4'"), 0, 'Basic blocked before the identity platform: no record');
  t.equal(await logCount(gateway, 'load.test', `appId eq '${PUBLIC_CLIENT}' and status/errorCode eq 0`), USERS, 'a successful record for each token issued');

  // The summary on stdout names each reply with its count.
  t.match(run.stdout, /sessions 72 /);
  t.match(run.stdout, /\s24\s+100\.0%\s+NO LOGIN failed\./);
  t.match(readFileSync(reportFile, 'utf8'), /<svg[^>]*data-chart="rate"/, 'the HTML report was written');
});

t.test('SMTP with STARTTLS: Basic and OAuth sends, and a token the platform refuses counts as its AADSTS answer', async (t) => {
  const { gateway, endpointsFile } = await gatewayWithEndpoints(t);
  const run = await runCli([
    '--endpoints', endpointsFile,
    '--protocol', 'smtp',
    '--users', `1-${USERS}`,
    '--mix', '1:basic:user{n}@load.test:Load-Passw0rd!',
    '--mix', '1:oauth:user{n}@load.test:Load-Passw0rd!',
    '--mix', '1:oauth:user{n}@load.test:wrong-password',
    '--client-id', PUBLIC_CLIENT,
    '--count', '12',
    '--concurrency', '3',
    '--action', 'send',
    '--json', '-',
  ]);
  t.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as LoadJson;
  t.equal(json.sessions, 12);
  const sent = '235 2.7.0 Authentication successful → 250 2.0.0 OK <...> [...]';
  t.same(json.scenarios[0].outcomes, { [sent]: 4 }, 'AUTH PLAIN, then the message was queued');
  t.same(json.scenarios[1].outcomes, { [sent]: 4 }, 'XOAUTH2, then the message was queued');
  t.same(
    json.scenarios[2].outcomes,
    { 'token refused: invalid_grant: AADSTS50126: Error validating credentials due to invalid username or password.': 4 },
    'the password grant refused: no SMTP session, the identity platform said why',
  );
  t.equal(await logCount(gateway, 'load.test', "clientAppUsed eq 'Authenticated SMTP' and status/errorCode eq 0"), 4, 'a record for each Basic AUTH');
  // Each share numbers its own sessions: users 1-4 sent to themselves once with Basic and once with OAuth.
  const target = { port: gateway.ports.https, ca: gateway.caCert };
  const agent = agentFor(target);
  t.teardown(() => agent.destroy());
  for (const n of [1, 4]) {
    const res = await fetchText(agent, target, 'GET', `/_exogate/mailboxes/user${n}@load.test/messages`, { authorization: `Bearer ${gateway.controlToken}` });
    const messages = JSON.parse(res.text) as { body: string }[];
    t.equal(messages.filter((m) => m.body.includes('Sent by exogate load.')).length, 2, `user${n} received both sends`);
  }
  const untouched = await fetchText(agent, target, 'GET', '/_exogate/mailboxes/user5@load.test/messages', { authorization: `Bearer ${gateway.controlToken}` });
  t.same(JSON.parse(untouched.text), [], 'user5 was not in this run');
});

t.test('EWS and ActiveSync over kept-alive HTTPS', async (t) => {
  const { endpointsFile } = await gatewayWithEndpoints(t);
  const ews = await runCli(['--endpoints', endpointsFile, '--protocol', 'ews', '--user', 'user{n}@load.test', '--users', `1-${USERS}`, '--password', 'Load-Passw0rd!', '--count', '10', '--concurrency', '2', '--action', 'fetch', '--json', '-']);
  t.equal(ews.code, 0, ews.stderr);
  t.same((JSON.parse(ews.stdout) as LoadJson).outcomes, { '200 ResponseCode=NoError': 10 }, 'FindItem signed in with Basic');
  const eas = await runCli(['--endpoints', endpointsFile, '--protocol', 'eas', '--user', 'user{n}@off.test', '--users', `1-${USERS}`, '--password', 'Load-Passw0rd!', '--count', '5', '--json', '-']);
  t.equal(eas.code, 0, eas.stderr);
  t.same((JSON.parse(eas.stdout) as LoadJson).outcomes, { '401 Basic Realm="",Basic Realm=""': 5 }, 'Basic blocked by Microsoft: the bare double challenge');
  const easOk = await runCli(['--endpoints', endpointsFile, '--protocol', 'eas', '--user', 'user1@load.test', '--password', 'Load-Passw0rd!', '--count', '3', '--json', '-']);
  t.same((JSON.parse(easOk.stdout) as LoadJson).outcomes, { '200 FolderSync Status=142': 3 }, 'signed in; the device must provision first');
});

t.test('options are checked before anything is sent', async (t) => {
  const bad = await runCli(['--protocol', 'pop3', '--port', '1', '--user', 'a@b', '--action', 'send']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--action send is not available for pop3/);
  const oauth = await runCli(['--protocol', 'imap', '--port', '1', '--user', 'a@b', '--auth', 'oauth']);
  t.match(oauth.stderr, /OAuth sessions need --client-id/);
  const mix = await runCli(['--protocol', 'imap', '--port', '1', '--mix', 'x:basic']);
  t.not(mix.code, 0);
  t.match(mix.stderr, /weight/);
  const nobody = await runCli(['--protocol', 'imap', '--port', '1', '--count', '2']);
  t.match(nobody.stderr, /name the users/);
});

t.test('a server that is not there: every session an error, exit code 1', async (t) => {
  const run = await runCli(['--protocol', 'imap', '--transport', 'plain', '--host', '127.0.0.1', '--port', '9', '--user', 'a@b', '--count', '3', '--concurrency', '1', '--json', '-']);
  t.equal(run.code, 1);
  const json = JSON.parse(run.stdout) as LoadJson & { errorKinds: Record<string, number> };
  t.equal(json.sessions, 0);
  t.equal(json.errors, 3);
  t.match(Object.keys(json.errorKinds)[0], /ECONNREFUSED/);
});

t.test('--help documents every option', async (t) => {
  const help = await runCli(['--help']);
  t.equal(help.code, 0);
  for (const option of ['--protocol', '--host', '--port', '--transport', '--ca', '--servername', '--insecure', '--tls-resume', '--data', '--endpoints', '--user', '--users', '--password', '--auth', '--mix', '--client-id', '--client-secret', '--grant', '--tenant', '--scope', '--token', '--identity-url', '--concurrency', '--duration', '--count', '--action', '--json', '--report', '--quiet', '--progress', '--no-progress']) {
    t.match(help.stdout, new RegExp(`${option}[ ,<]`), option);
  }
  t.match(help.stdout, /Examples:/);
});
