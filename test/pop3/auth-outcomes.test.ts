// Every auth-core outcome that applies to POP3 Basic sign-in, over raw sockets, USER/PASS and
// AUTH PLAIN (inline and after `+ `), each line read byte for byte and compared with the reply
// table AND with the reference's text (§3); the greeting, CAPA, STLS, the 2026 front end, and
// the sign-in records the attempts leave.
import t, { type Test } from 'tap';
import type { Outcome } from '../../core/auth/attempt.js';
import type { Gateway, GatewayOptions } from '../../index.js';
import { AUTHENTICATED_BUT_NOT_CONNECTED, CAPABILITIES, SIGN_IN, TEXTS } from '../../servers/pop3/replies.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { CLASSIC_CLOCK, openTls, plain, Pop3Wire, POP_SEED, signedIn, userPass } from './pop3-wire.js';

// The reference's words (§3), typed out independently of servers/pop3/replies.ts.
const REFERENCE = {
  loggedOn: '+OK User successfully logged on.',
  authenticated: '+OK User successfully authenticated.',
  logonFailure: '-ERR Logon failure: unknown user name or bad password.',
  authFailure: '-ERR Authentication failure: unknown user name or bad password.',
  invalidState: '-ERR Command is not valid in this state.',
  signingOff: '+OK Microsoft Exchange Server POP3 server signing off.',
  basicDisabled: '-ERR Basic authentication is disabled',
} as const;

const GREETING = /^\+OK The Microsoft Exchange POP3 service is ready\. \[([A-Za-z0-9+/]+=*)\]$/;
const FRONT_END_FQDN = /^[A-Z]{2}\d[A-Z0-9]+CA\d{4}\.[A-Z]{3}PRD\d{2}\.PROD\.OUTLOOK\.COM$/;

async function boot(t: Test, options: GatewayOptions = {}): Promise<Gateway> {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: CLASSIC_CLOCK, ...options });
  await gw.seed(POP_SEED);
  return gw;
}

async function passLine(gw: Gateway, user: string, pass: string): Promise<string> {
  const { wire, reply } = await userPass(gw, user, pass);
  wire.end();
  return reply;
}

async function authPlainLine(gw: Gateway, user: string, pass: string, twoStep: boolean): Promise<string> {
  const wire = await openTls(gw);
  try {
    if (!twoStep) return await wire.command(`AUTH PLAIN ${plain(user, pass)}`);
    const prompt = await wire.command('AUTH PLAIN');
    if (prompt !== '+ ') throw new Error(`expected "+ ", got ${JSON.stringify(prompt)}`);
    return await wire.command(plain(user, pass));
  } finally {
    wire.end();
  }
}

/** One gateway for the tests below that leave nothing behind that another could trip on. */
const shared = await boot(t);

t.test('the greeting and CAPA on each port (§3)', async (t) => {
  const gw = shared;
  const tls = await Pop3Wire.open(gw.ports.pop3s, { tls: true, ca: gw.caCert });
  const greeting = await tls.line();
  const m = GREETING.exec(greeting);
  t.ok(m, `"${greeting}" is Exchange's greeting`);
  t.match(Buffer.from(m![1], 'base64').toString('utf16le'), FRONT_END_FQDN, "the bracket is the front end's FQDN in UTF-16LE");
  t.same(await tls.multi('CAPA'), { first: '+OK', lines: ['TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER'] }, 'CAPA on 995 as the reference shows it');
  t.same(CAPABILITIES.tls.lines, ['TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER']);
  tls.end();

  const plainPort = await Pop3Wire.open(gw.ports.pop3);
  t.match(await plainPort.line(), GREETING, 'the same greeting on 110');
  t.same(await plainPort.multi('CAPA'), { first: '+OK', lines: ['TOP', 'UIDL', 'STLS'] }, 'before STLS: STLS, no USER, no SASL');
  plainPort.end();
});

t.test('each Basic outcome answers with its exact line, USER/PASS and AUTH PLAIN alike', async (t) => {
  const gw = shared;
  const decide = (user: string, secret: string) =>
    gw.core.auth.decide({ protocol: 'pop', kind: 'basic', username: user, secret, clientIp: '127.0.0.1', tls: true });
  const failures: [string, string, string, Outcome][] = [
    ['wrong password', 'alice@contoso.com', 'not-her-password', 'bad-credentials'],
    ['unknown user in a known tenant', 'nobody@contoso.com', 'whatever', 'unknown-user'],
    ['unknown domain', 'someone@unknown.example', 'whatever', 'unknown-tenant'],
    ['blocked by authentication policy', 'bob@contoso.com', 'Bob-Passw0rd!', 'basic-blocked-by-policy'],
    ['blocked by Microsoft (BasicAuthBlockedApps)', 'lee@litware.com', 'Litware-Passw0rd!', 'basic-blocked-by-microsoft'],
    ['security defaults', 'ana@northwind.com', 'Northwind-Passw0rd!', 'security-defaults'],
    ['conditional access blocks legacy authentication', 'sam@woodgrove.com', 'Woodgrove-Passw0rd!', 'conditional-access'],
    ['per-user MFA with the account password', 'carol@contoso.com', 'Carol-Passw0rd!', 'mfa-required'],
  ];
  for (const [name, user, pass, outcome] of failures) {
    t.equal((await decide(user, pass)).outcome, outcome, `${name} is the ${outcome} outcome`);
    const pass1 = await passLine(gw, user, pass);
    t.equal(pass1, REFERENCE.logonFailure, `PASS: ${name} reads as the reference`);
    t.equal(pass1, `-ERR ${SIGN_IN.logonFailed.text}`, `PASS: ${name} comes from the reply table`);
    t.equal(await authPlainLine(gw, user, pass, false), REFERENCE.authFailure, `AUTH PLAIN inline: ${name}`);
    t.equal(`-ERR ${SIGN_IN.authenticationFailed.text}`, REFERENCE.authFailure, 'from the reply table');
    t.equal(await authPlainLine(gw, user, pass, true), REFERENCE.authFailure, `AUTH PLAIN after "+ ": ${name}`);
  }
  const successes: [string, string, string][] = [
    ['the right password', 'alice@contoso.com', 'Alice-Passw0rd!'],
    ['an app password of an MFA user', 'carol@contoso.com', 'carolapppassword'],
  ];
  for (const [name, user, pass] of successes) {
    const { wire, reply } = await userPass(gw, user, pass);
    t.equal(reply, REFERENCE.loggedOn, `PASS: ${name}`);
    t.equal(await wire.command('QUIT'), REFERENCE.signingOff, 'QUIT');
    t.ok(await wire.closedByServer(), 'and the server hangs up');
    t.equal(await authPlainLine(gw, user, pass, false), REFERENCE.authenticated, `AUTH PLAIN inline: ${name}`);
    t.equal(await authPlainLine(gw, user, pass, true), REFERENCE.authenticated, `AUTH PLAIN after "+ ": ${name}`);
  }
});

t.test('smart lockout: ten different wrong passwords lock the account, even against the right one', async (t) => {
  const gw = await boot(t);
  for (let i = 0; i < 10; i++) t.equal(await passLine(gw, 'erin@contoso.com', `wrong-${i}`), REFERENCE.logonFailure);
  const decision = await gw.core.auth.decide({ protocol: 'pop', kind: 'basic', username: 'erin@contoso.com', secret: 'Erin-Passw0rd!', clientIp: '127.0.0.1', tls: true });
  t.equal(decision.outcome, 'locked-out');
  t.equal(await passLine(gw, 'erin@contoso.com', 'Erin-Passw0rd!'), REFERENCE.logonFailure, 'PASS: locked even with the right password');
  t.equal(await authPlainLine(gw, 'erin@contoso.com', 'Erin-Passw0rd!', true), REFERENCE.authFailure, 'AUTH PLAIN: locked too');
  await gw.clock.advance('61s');
  t.equal(await passLine(gw, 'erin@contoso.com', 'Erin-Passw0rd!'), REFERENCE.loggedOn, 'the lockout lasts one minute');
});

t.test('POP disabled for the mailbox: an accepted logon, then -ERR on every command (§3)', async (t) => {
  const gw = shared;
  t.ok(AUTHENTICATED_BUT_NOT_CONNECTED.has('protocol-disabled-for-mailbox'));
  for (const how of ['PASS', 'AUTH PLAIN'] as const) {
    let wire: Pop3Wire;
    if (how === 'PASS') {
      const signIn = await userPass(gw, 'pat@contoso.com', 'Pat-Passw0rd!');
      t.equal(signIn.reply, REFERENCE.loggedOn, 'PASS is accepted');
      wire = signIn.wire;
    } else {
      wire = await openTls(gw);
      t.equal(await wire.command(`AUTH PLAIN ${plain('pat@contoso.com', 'Pat-Passw0rd!')}`), REFERENCE.authenticated, 'AUTH PLAIN is accepted');
    }
    const notConnected = `-ERR ${TEXTS.notConnected.text}`;
    t.equal(notConnected, '-ERR User is authenticated but not connected.');
    t.equal(await wire.command('STAT'), notConnected, 'STAT');
    t.equal(await wire.command('LIST'), notConnected, 'LIST');
    t.equal(await wire.command('RETR 1'), notConnected, 'the third command');
    t.equal(await wire.line(), TEXTS.connectionClosed21.text, 'is followed by "Connection is closed. 21"');
    t.ok(await wire.closedByServer(), 'and the end of the session');
  }
  const wire = (await userPass(gw, 'pat@contoso.com', 'Pat-Passw0rd!')).wire;
  t.same(await wire.multi('CAPA'), { first: '+OK', lines: CAPABILITIES.tls.lines }, 'CAPA still answers');
  t.equal(await wire.command('QUIT'), REFERENCE.signingOff, 'and QUIT');
});

t.test('three failed sign-ins in one session end it (Exchange MaxFailedLoginAttempts)', async (t) => {
  const gw = shared;
  const wire = await openTls(gw);
  t.equal(await wire.command('USER alice@contoso.com'), '+OK');
  t.equal(await wire.command('PASS wrong-1'), REFERENCE.logonFailure);
  t.equal(await wire.command('PASS wrong-again'), REFERENCE.invalidState, 'PASS needs a USER before it, every time');
  t.equal(await wire.command('USER alice@contoso.com'), '+OK');
  t.equal(await wire.command('PASS wrong-2'), REFERENCE.logonFailure);
  t.equal(await wire.command('AUTH PLAIN'), '+ ');
  t.equal(await wire.command('*'), '-ERR The AUTH protocol exchange was canceled by the client.', 'a cancelled AUTH counts too');
  t.equal(await wire.line(), 'Connection is closed. 21');
  t.ok(await wire.closedByServer());
});

t.test('sign-in outside TLS is refused; STLS, then sign-in (RFC 2595)', async (t) => {
  const gw = shared;
  const wire = await Pop3Wire.open(gw.ports.pop3);
  t.match(await wire.line(), GREETING);
  t.equal(await wire.command('USER alice@contoso.com'), REFERENCE.invalidState, 'USER before STLS');
  t.equal(await wire.command(`AUTH PLAIN ${plain('alice@contoso.com', 'Alice-Passw0rd!')}`), REFERENCE.invalidState, 'AUTH before STLS');
  t.equal(await wire.command('STLS'), '+OK Begin TLS negotiation.');
  await wire.stls(gw.caCert);
  t.same(await wire.multi('CAPA'), { first: '+OK', lines: ['TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER'] }, 'inside TLS: the 995 list');
  t.equal(await wire.command('USER alice@contoso.com'), '+OK');
  t.equal(await wire.command('PASS Alice-Passw0rd!'), REFERENCE.loggedOn);
  t.match(await wire.command('STAT'), /^\+OK \d+ \d+$/);
  t.equal(await wire.command('QUIT'), REFERENCE.signingOff);

  const tls = await openTls(gw);
  t.equal(await tls.command('STLS'), REFERENCE.invalidState, 'no STLS on the implicit-TLS port');
  tls.end();
  const twice = await Pop3Wire.open(gw.ports.pop3);
  await twice.line();
  t.equal(await twice.command('STLS'), '+OK Begin TLS negotiation.');
  await twice.stls(gw.caCert);
  t.equal(await twice.command('STLS'), REFERENCE.invalidState, 'no second STLS');
  twice.end();

  const injected = await Pop3Wire.open(gw.ports.pop3);
  await injected.line();
  injected.write('STLS\r\nUSER alice@contoso.com\r\n');
  t.equal(await injected.line(), '+OK Begin TLS negotiation.');
  await injected.stls(gw.caCert);
  t.same(await injected.multi('CAPA'), { first: '+OK', lines: CAPABILITIES.tls.lines }, 'what was pipelined behind STLS in plaintext is dropped');
  injected.end();
});

t.test('mailAllowPlainLogin (load tests) lets USER/PASS through outside TLS', async (t) => {
  const gw = await boot(t, { limits: { mailAllowPlainLogin: true } });
  const wire = await Pop3Wire.open(gw.ports.pop3);
  await wire.line();
  t.same(await wire.multi('CAPA'), { first: '+OK', lines: ['TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER', 'STLS'] });
  t.equal(await wire.command('USER alice@contoso.com'), '+OK');
  t.equal(await wire.command('PASS Alice-Passw0rd!'), REFERENCE.loggedOn);
  wire.end();
});

t.test('the 2026 front end refuses Basic outright, before any account lookup (§3, §2.4)', async (t) => {
  for (const options of [{ clock: '2026-10-01T00:00:00Z' }, { limits: { mailFrontEnd: 'tcpproxy' as const } }]) {
    const gw = await boot(t, options);
    const what = JSON.stringify(options);
    const a = await openTls(gw);
    t.equal(await a.command('USER alice@contoso.com'), '+OK', `${what}: USER`);
    t.equal(await a.command('PASS Alice-Passw0rd!'), REFERENCE.basicDisabled, `${what}: PASS with the right password`);
    t.equal(`-ERR ${SIGN_IN.basicDisabled.text}`, REFERENCE.basicDisabled);
    t.ok(await a.closedByServer(), 'and the session ends');
    const b = await openTls(gw);
    t.equal(await b.command('AUTH PLAIN'), REFERENCE.basicDisabled, `${what}: AUTH PLAIN, before "+ "`);
    t.ok(await b.closedByServer());
    const c = await openTls(gw);
    t.equal(await c.command(`AUTH PLAIN ${plain('nobody@contoso.com', 'x')}`), REFERENCE.basicDisabled, `${what}: an unknown user alike`);
    c.end();
    await gw.flush();
    t.same(await gw.core.store.query('select upn from signins'), [], 'the identity platform never heard of them');
  }
});

t.test('sign-in records: blocked Basic leaves none, decisions of the identity platform leave one each', async (t) => {
  const gw = await boot(t);
  await passLine(gw, 'bob@contoso.com', 'Bob-Passw0rd!'); // policy: none
  await passLine(gw, 'lee@litware.com', 'Litware-Passw0rd!'); // Microsoft: none
  await passLine(gw, 'ana@northwind.com', 'Northwind-Passw0rd!'); // security defaults: none
  await passLine(gw, 'alice@contoso.com', 'wrong-password'); // 50126
  await authPlainLine(gw, 'alice@contoso.com', 'Alice-Passw0rd!', true); // 0
  await passLine(gw, 'sam@woodgrove.com', 'Woodgrove-Passw0rd!'); // 53003
  await passLine(gw, 'carol@contoso.com', 'Carol-Passw0rd!'); // 50076
  await passLine(gw, 'pat@contoso.com', 'Pat-Passw0rd!'); // 0: Entra said yes, the mailbox is closed to POP
  await gw.flush();
  const rows = await gw.core.store.query<{ upn: string; error_code: number; client_app_used: string; ip: string }>(
    'select upn, error_code, client_app_used, ip from signins',
  );
  const seen = rows.map((r) => `${r.upn} ${r.error_code} ${r.client_app_used}`).sort();
  t.same(seen, [
    'alice@contoso.com 0 POP3',
    'alice@contoso.com 50126 POP3',
    'carol@contoso.com 50076 POP3',
    'pat@contoso.com 0 POP3',
    'sam@woodgrove.com 53003 POP3',
  ]);
  t.ok(rows.every((r) => r.ip === '127.0.0.1'), "the client's address");
  t.notMatch(JSON.stringify(await gw.core.store.query('select * from signins')), /Passw0rd|wrong-password/, 'no secret in any record');
  const usage = await gw.core.store.query<{ protocol: string; auth_kind: string; successes: number }>('select protocol, auth_kind, successes from usage_daily');
  t.same(usage.map((u) => ({ ...u, successes: Number(u.successes) })), [{ protocol: 'pop', auth_kind: 'basic', successes: 1 }], 'the Basic success counts as POP usage');
});

t.test('QUIT before sign-in and in TRANSACTION', async (t) => {
  const gw = shared;
  const before = await openTls(gw);
  t.equal(await before.command('QUIT'), REFERENCE.signingOff, 'QUIT in AUTHORIZATION');
  t.ok(await before.closedByServer());
  const after = await signedIn(gw);
  t.equal(await after.command('NOOP'), '+OK');
  t.equal(await after.command('QUIT'), REFERENCE.signingOff, 'QUIT in TRANSACTION');
  t.ok(await after.closedByServer());
});
