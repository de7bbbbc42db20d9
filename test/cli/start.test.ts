// `exogate start` as a user runs it: a child process on a temporary data folder with every
// port flag at 0. Pins the endpoints.json contract (DESIGN.md "Contracts"), the printed summary,
// and a clean stop on SIGTERM and on SIGINT: exit code 0, "stopped", endpoints.json removed,
// and a sign-in made just before the signal is in the store afterwards (pending writes flushed).
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import t, { type Test } from 'tap';
import { parse } from 'yaml';
import { startGateway } from '../../index.js';
import { ALICE, CliGateway, LISTENERS, ROOT, failedSmtpLogin, tempDir, type Endpoints } from './cli.js';

// Gateway starts and many short CLI runs: more than tap's default per-file timeout on a slow machine.
t.setTimeout(600_000);

/** The listeners built so far; the contract's others (IMAP, POP3) may be null until they exist. */
const BUILT = ['smtp', 'smtps', 'https'] as const;

function firstLine(port: number, host: string, tls?: { ca: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls ? tlsConnect({ host, port, ca: tls.ca, servername: 'localhost' }) : netConnect({ host, port });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
      const end = text.indexOf('\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(text.slice(0, end));
      }
    });
    socket.on('error', reject);
    socket.setTimeout(30_000, () => {
      socket.destroy();
      reject(new Error(`no greeting on port ${port}; got ${JSON.stringify(text)}`));
    });
  });
}

function controlGet(e: Endpoints, path: string, token: string | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const req = request({ host: e.host, port: e.ports.https!, path, method: 'GET', headers, ca: readFileSync(e.caCert!), servername: 'localhost', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Failed Basic sign-ins of `upn` in the store of a stopped gateway's data folder, read through the library. */
async function failedSignIns(t: Test, dataDir: string, upn: string): Promise<{ count: number; records: string[] }> {
  const gw = await startGateway({ dataDir, demo: false, ports: Object.fromEntries(LISTENERS.map((k) => [k, 0])) });
  try {
    const rows = await gw.core.store.query('select * from signins where upn = $1 and error_code <> 0 order by created_at', [upn]);
    return { count: rows.length, records: rows.map((r) => JSON.stringify(r)) };
  } finally {
    await gw.close();
    t.notOk(existsSync(join(dataDir, 'endpoints.json')), 'the library gateway removed its endpoints.json too');
  }
}

t.test('exogate start on a new data folder, stopped by SIGTERM, then restarted and stopped by SIGINT', async (t) => {
  // A folder that does not exist yet: start creates it.
  const data = join(tempDir(t), 'data');
  const first = await CliGateway.start(t, data);
  const endpoints = first.endpoints();

  await t.test('endpoints.json has the shape of the contract', async (t) => {
    for (const key of ['host', 'ports', 'caCert', 'controlToken']) t.ok(key in endpoints, `has ${key}`);
    t.equal(endpoints.host, '127.0.0.1', 'the default host');
    t.same(Object.keys(endpoints.ports).sort(), [...LISTENERS].sort(), 'one port per listener key of DESIGN.md');
    const numbers: number[] = [];
    for (const key of LISTENERS) {
      const port = endpoints.ports[key];
      if (port === null) {
        t.notOk((BUILT as readonly string[]).includes(key), `${key} is only null while its listener does not exist`);
        continue;
      }
      t.ok(Number.isInteger(port) && port > 0 && port < 65536, `${key}: a real port picked for --${key}-port 0 (${port})`);
      numbers.push(port);
    }
    for (const key of BUILT) t.type(endpoints.ports[key], 'number', `${key} is listening, so its port is a number`);
    t.equal(new Set(numbers).size, numbers.length, 'each listener on its own port');
    t.type(endpoints.caCert, 'string');
    t.ok(isAbsolute(endpoints.caCert!), 'caCert is an absolute path');
    t.ok(existsSync(endpoints.caCert!), 'caCert exists');
    t.match(readFileSync(endpoints.caCert!, 'utf8'), /^-----BEGIN CERTIFICATE-----/, 'caCert is a PEM certificate');
    t.type(endpoints.controlToken, 'string');
    t.ok(endpoints.controlToken.length >= 16, 'controlToken is not trivially short');

    const withToken = await controlGet(endpoints, '/_exogate/clock', endpoints.controlToken);
    t.equal(withToken.status, 200, 'the control API takes controlToken (and the HTTPS port serves the CA-signed certificate)');
    t.ok(!Number.isNaN(Date.parse((JSON.parse(withToken.body) as { now: string }).now)), 'GET /_exogate/clock answers { now: ISO }');
    t.equal((await controlGet(endpoints, '/_exogate/clock', null)).status, 401, 'and refuses a caller without it');
  });

  await t.test('stdout summarizes the endpoints, the CA and the demo accounts', async (t) => {
    const out = first.stdout;
    for (const key of LISTENERS) {
      const port = endpoints.ports[key];
      if (port !== null) t.match(out, new RegExp(`\\b${key}\\s+127\\.0\\.0\\.1:${port}\\b`), `lists ${key} at its port`);
    }
    t.ok(out.includes(endpoints.caCert!), 'names the CA certificate path');
    t.ok(out.includes(join(data, 'endpoints.json')), 'names endpoints.json');
    const demo = parse(readFileSync(join(ROOT, 'seeds', 'demo.yaml'), 'utf8')) as { tenants: { users?: { upn: string; password?: string }[] }[] };
    const users = demo.tenants.flatMap((tenant) => tenant.users ?? []);
    t.ok(users.length > 0);
    for (const u of users) {
      t.ok(out.includes(u.upn), `lists demo account ${u.upn}`);
      if (u.password) t.ok(out.includes(u.password), `with its password`);
    }
    t.equal(first.stderr, '', 'nothing on stderr while running');
  });

  await t.test('the SMTP listeners greet with 220', async (t) => {
    t.match(await firstLine(endpoints.ports.smtp!, endpoints.host), /^220 /, 'smtp (plain, STARTTLS offered)');
    t.match(await firstLine(endpoints.ports.smtps!, endpoints.host, { ca: readFileSync(endpoints.caCert!, 'utf8') }), /^220 /, 'smtps (implicit TLS, trusted with caCert)');
  });

  await t.test('SIGTERM right after a failed sign-in: clean stop, the sign-in is kept', async (t) => {
    const { reply, wire } = await failedSmtpLogin(endpoints, ALICE.upn, 'Wrong-Passw0rd-1');
    t.match(reply, /^535 /, 'the wrong password is refused');
    // At once, with the client still connected: the record is at most queued, not yet written.
    const exit = await first.stop('SIGTERM');
    t.same(exit, { code: 0, signal: null }, 'exit code 0');
    t.match(first.stderr, /SIGTERM/, 'says which signal');
    t.match(first.stderr, /\bstopped\b/, 'says "stopped" on stderr');
    t.notMatch(first.stderr, /forced exit|Error/, 'no forced exit, no stack');
    t.ok(await wire.closedByServer(), 'the open SMTP session was closed');
    t.notOk(existsSync(join(data, 'endpoints.json')), 'endpoints.json removed');
    t.match(readFileSync(join(data, 'exogate.log'), 'utf8'), /"msg":"exogate stopped"/, 'the log was flushed up to its last line');

    const after = await failedSignIns(t, data, ALICE.upn);
    t.equal(after.count, 1, 'the failed sign-in made just before SIGTERM is in the store');
    t.notOk(after.records.some((r) => r.includes('Wrong-Passw0rd-1')), 'and its record carries no password');
  });

  await t.test('restart on the same folder, then SIGINT (delivered twice, as Ctrl-C under npm start can)', async (t) => {
    const second = await CliGateway.start(t, data);
    const again = second.endpoints();
    t.equal(again.controlToken, endpoints.controlToken, 'the same folder keeps its control token');
    t.equal(again.caCert, endpoints.caCert, 'and its CA');
    t.ok(second.stdout.includes(ALICE.upn), 'the demo accounts are still listed');

    const { reply } = await failedSmtpLogin(again, ALICE.upn, 'Wrong-Passw0rd-2');
    t.match(reply, /^535 /);
    second.child.kill('SIGINT');
    // The terminal signals the foreground group and npm forwards the same Ctrl-C to its child:
    // the repeat must not turn the clean stop into a forced exit.
    if (await second.waitForStderr('shutting down')) second.child.kill('SIGINT');
    const exit = await second.exited;
    t.same(exit, { code: 0, signal: null }, 'exit code 0');
    t.match(second.stderr, /SIGINT/);
    t.match(second.stderr, /\bstopped\b/, 'says "stopped" on stderr');
    t.notMatch(second.stderr, /forced exit/, 'the repeated SIGINT did not force an exit');
    t.notOk(existsSync(join(data, 'endpoints.json')), 'endpoints.json removed');

    const after = await failedSignIns(t, data, ALICE.upn);
    t.equal(after.count, 2, 'both failed sign-ins are in the store, nothing lost or doubled');
  });
});
