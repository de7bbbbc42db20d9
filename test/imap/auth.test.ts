// IMAP sign-in over raw sockets, every outcome with the reference's exact line (§2.4): the
// famous `xm001 NO LOGIN failed.` of an app password once Basic is blocked; the same line for
// every other failure; OK then `BAD User is authenticated but not connected.` (BYE after the
// third) when the mailbox may not use IMAP; the 2026 front end's plain refusal.
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { appToken, userToken, xoauth2 } from '../helpers/https.js';
import { ImapWire, imapsSession } from '../helpers/imap-wire.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const plain = (user: string, pass: string) => b64(`\0${user}\0${pass}`);

/** A tenant whose IMAP Basic Microsoft switched off, with a scanner on an app password. */
const SEED = `${BASE_SEED}
  - name: printing
    domains: [printing.example]
    basicAuthBlockedApps: [imap, pop]
    phase: before-programme
    users:
      - upn: scanner@printing.example
        password: "Scanner-Passw0rd!"
        mfa: true
        appPasswords: ["scannerapppasswd"]
`;

t.test('classic front end (2024)', async (t) => {
  const gw = await bootGateway(t, { seed: SEED, clock: '2024-03-01T00:00:00Z' });
  const port = gw.ports.imaps;

  const login = async (user: string, pass: string, tag = 'a1') => {
    const { wire } = await imapsSession(port, gw.caCert);
    const lines = await wire.command(tag, `LOGIN ${user} "${pass}"`);
    return { wire, lines };
  };

  t.test('greeting and capabilities', async (t) => {
    const { wire, greeting } = await imapsSession(port, gw.caCert);
    t.match(greeting, /^\* OK The Microsoft Exchange IMAP4 service is ready\. \[[A-Za-z0-9+/]+=*\]$/);
    const fqdn = Buffer.from(/\[(.*)\]/.exec(greeting)![1], 'base64').toString('utf16le');
    t.match(fqdn, /^[A-Z]{2}\d[A-Z0-9]+CA\d{4}\.[A-Z]{3}PRD\d{2}\.PROD\.OUTLOOK\.COM$/, 'the front end FQDN, UTF-16LE in base64');
    t.same(await wire.command('c1', 'CAPABILITY'), [
      '* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
      'c1 OK CAPABILITY completed.',
    ]);
    t.same(await wire.command('c2', 'ID ("name" "test")'), ['* ID ("name" "Microsoft.Exchange.Imap4.Imap4Server" "version" "15.20")', 'c2 OK ID completed.']);
    t.same(await wire.command('c3', 'LOGIN alice@contoso.com Alice-Passw0rd!'), ['c3 OK LOGIN completed.']);
    t.same(await wire.command('c4', 'CAPABILITY'), [
      '* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+',
      'c4 OK CAPABILITY completed.',
    ]);
    t.same(await wire.command('c5', 'NAMESPACE'), ['* NAMESPACE (("" "/")) NIL NIL', 'c5 OK NAMESPACE completed.']);
    t.same(await wire.command('c6', 'LOGOUT'), ['* BYE Microsoft Exchange Server IMAP4 server signing off.', 'c6 OK LOGOUT completed.']);
    t.ok(await wire.closedByServer());
  });

  t.test('xm001: an app password once IMAP Basic is blocked', async (t) => {
    const { wire, lines } = await login('scanner@printing.example', 'scannerapppasswd', 'xm001');
    t.same(lines, ['xm001 NO LOGIN failed.']);
    t.same(await wire.command('xm002', `AUTHENTICATE PLAIN ${plain('scanner@printing.example', 'scannerapppasswd')}`), ['xm002 NO AUTHENTICATE failed.']);
    wire.end();
    const decision = await gw.core.auth.decide({ protocol: 'imap', kind: 'basic', username: 'scanner@printing.example', secret: 'scannerapppasswd', clientIp: '127.0.0.1', tls: true });
    t.equal(decision.outcome, 'basic-blocked-by-microsoft');
  });

  t.test('every other failure reads the same', async (t) => {
    const cases: [string, string, string][] = [
      ['wrong password', 'alice@contoso.com', 'nope'],
      ['unknown user', 'nobody@contoso.com', 'nope'],
      ['Basic blocked by policy', 'bob@contoso.com', 'Bob-Passw0rd!'],
      ['security defaults', 'ana@northwind.com', 'Northwind-Passw0rd!'],
      ['conditional access', 'sam@woodgrove.com', 'Woodgrove-Passw0rd!'],
      ['MFA user with the account password', 'carol@contoso.com', 'Carol-Passw0rd!'],
    ];
    for (const [name, user, pass] of cases) {
      const { wire, lines } = await login(user, pass);
      t.same(lines, ['a1 NO LOGIN failed.'], `LOGIN: ${name}`);
      t.same(await wire.command('a2', `AUTHENTICATE PLAIN ${plain(user, pass)}`), ['a2 NO AUTHENTICATE failed.'], `AUTHENTICATE PLAIN: ${name}`);
      wire.end();
    }
    const { wire, lines } = await login('carol@contoso.com', 'carolapppassword');
    t.same(lines, ['a1 OK LOGIN completed.'], 'the MFA user with an app password');
    wire.end();
  });

  t.test('AUTHENTICATE PLAIN without SASL-IR: a bare "+" first', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    wire.send('p1 AUTHENTICATE PLAIN');
    t.equal(await wire.line(), '+ ');
    t.same(await (wire.send(plain('alice@contoso.com', 'Alice-Passw0rd!')), wire.until('p1')), ['p1 OK AUTHENTICATE completed.']);
    wire.end();
  });

  t.test('locked out after ten different wrong passwords, whatever the protocol', async (t) => {
    for (let i = 0; i < 10; i++) {
      const { wire } = await login('erin@contoso.com', `wrong-${i}`);
      wire.end();
    }
    const { wire, lines } = await login('erin@contoso.com', 'Erin-Passw0rd!');
    t.same(lines, ['a1 NO LOGIN failed.'], 'the right password, locked');
    wire.end();
    const decision = await gw.core.auth.decide({ protocol: 'imap', kind: 'basic', username: 'erin@contoso.com', secret: 'Erin-Passw0rd!', clientIp: '127.0.0.1', tls: true });
    t.equal(decision.outcome, 'locked-out');
  });

  t.test('the third failed sign-in of a session ends it', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    t.same(await wire.command('f1', 'LOGIN alice@contoso.com bad1'), ['f1 NO LOGIN failed.']);
    t.same(await wire.command('f2', 'LOGIN alice@contoso.com bad2'), ['f2 NO LOGIN failed.']);
    t.same(await wire.command('f3', 'LOGIN alice@contoso.com bad3'), ['f3 NO LOGIN failed.']);
    t.equal(await wire.line(), '* BYE Connection is closed. 14');
    t.ok(await wire.closedByServer());
  });

  t.test('IMAP off for the mailbox: OK, then "authenticated but not connected", BYE after the third', async (t) => {
    const { wire, lines } = await login('dave@contoso.com', 'Dave-Passw0rd!');
    t.same(lines, ['a1 OK LOGIN completed.']);
    t.same(await wire.command('a2', 'SELECT INBOX'), ['a2 BAD User is authenticated but not connected.']);
    t.same(await wire.command('a3', 'NOOP'), ['a3 BAD User is authenticated but not connected.']);
    t.same(await wire.command('a4', 'LIST "" "*"'), ['a4 BAD User is authenticated but not connected.']);
    t.equal(await wire.line(), '* BYE Connection closed. 14');
    t.ok(await wire.closedByServer());
  });

  t.test('XOAUTH2: tokens that work, and tokens that do not', async (t) => {
    const xo = async (user: string, token: string) => {
      const { wire } = await imapsSession(port, gw.caCert);
      const lines = await wire.command('x1', `AUTHENTICATE XOAUTH2 ${xoauth2(user, token)}`);
      return { wire, lines };
    };
    const user = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/IMAP.AccessAsUser.All');
    let r = await xo('alice@contoso.com', user);
    t.same(r.lines, ['x1 OK AUTHENTICATE completed.'], 'a user token');
    t.match(await r.wire.command('x2', 'SELECT INBOX'), ['* 0 EXISTS']);
    r.wire.end();
    const app = await appToken(gw);
    r = await xo('alice@contoso.com', app);
    t.same(r.lines, ['x1 OK AUTHENTICATE completed.'], 'an app-only token for a mailbox it may open');
    r.wire.end();
    r = await xo('bob@contoso.com', app);
    t.same(r.lines, ['x1 OK AUTHENTICATE completed.'], 'an app-only token without Add-MailboxPermission still reads OK...');
    t.same(await r.wire.command('x2', 'SELECT INBOX'), ['x2 BAD User is authenticated but not connected.'], '...and then cannot connect');
    r.wire.end();
    const smtpOnly = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/SMTP.Send');
    r = await xo('alice@contoso.com', smtpOnly);
    t.same(r.lines, ['x1 NO AUTHENTICATE failed.'], 'a token without IMAP.AccessAsUser.All');
    r.wire.end();
    const graph = await appToken(gw, 'https://graph.microsoft.com/.default');
    r = await xo('alice@contoso.com', graph);
    t.same(r.lines, ['x1 NO AUTHENTICATE failed.'], 'a token for another audience');
    r.wire.end();
    r = await xo('alice@contoso.com', 'garbage');
    t.same(r.lines, ['x1 NO AUTHENTICATE failed.'], 'not a token');
    r.wire.end();
    await gw.clock.advance('70m');
    r = await xo('alice@contoso.com', user);
    t.same(r.lines, ['x1 NO AUTHENTICATE failed.'], 'an expired token: no JSON challenge, unlike Gmail');
    r.wire.end();
  });

  t.test('port 143: LOGINDISABLED until STARTTLS', async (t) => {
    const wire = await ImapWire.open(gw.ports.imap);
    t.match(await wire.line(), /^\* OK The Microsoft Exchange IMAP4 service is ready\./);
    t.same(await wire.command('s1', 'CAPABILITY'), [
      '* CAPABILITY IMAP4 IMAP4rev1 LOGINDISABLED STARTTLS SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
      's1 OK CAPABILITY completed.',
    ]);
    t.same(await wire.command('s2', 'LOGIN alice@contoso.com Alice-Passw0rd!'), ['s2 BAD Command received in Invalid state.']);
    t.same(await wire.command('s3', 'STARTTLS'), ['s3 OK Begin TLS negotiation now.']);
    await wire.starttls(gw.caCert);
    t.match(await wire.command('s4', 'CAPABILITY'), [/AUTH=PLAIN AUTH=XOAUTH2/, 's4 OK CAPABILITY completed.']);
    t.same(await wire.command('s5', 'LOGIN alice@contoso.com Alice-Passw0rd!'), ['s5 OK LOGIN completed.']);
    t.same(await wire.command('s6', 'STARTTLS'), ['s6 BAD Command received in Invalid state.']);
    wire.end();
  });

  t.test('sign-in records: IMAP4, and none for what Exchange blocks itself', async (t) => {
    await gw.flush();
    const rows = await gw.core.store.query<{ upn: string; error_code: number; client_app_used: string }>(
      "select upn, error_code, client_app_used from signins where client_app_used = 'IMAP4'",
    );
    t.ok(rows.some((r) => r.upn === 'alice@contoso.com' && r.error_code === 50126), 'a wrong password: 50126');
    t.ok(rows.some((r) => r.upn === 'dave@contoso.com' && r.error_code === 0), 'IMAP off for the mailbox: Entra still said yes');
    t.notOk(rows.some((r) => r.upn === 'scanner@printing.example'), 'blocked by Microsoft: no record');
    t.notOk(rows.some((r) => r.upn === 'bob@contoso.com'), 'blocked by policy: no record');
    const usage = await gw.core.store.query<{ auth_kind: string }>("select auth_kind from usage_daily where protocol = 'imap'");
    t.same(new Set(usage.map((u) => u.auth_kind)), new Set(['basic', 'oauth']), 'Basic and OAuth usage counted apart');
  });
});

t.test('the 2026 front end (tcpproxy era)', async (t) => {
  const gw = await bootGateway(t, { seed: SEED, clock: '2026-10-01T00:00:00Z' });
  const { wire, greeting } = await imapsSession(gw.ports.imaps, gw.caCert);
  t.match(greeting, /^\* OK Microsoft Exchange IMAP4 service ready\. [0-9a-f-]{36} \(tcpproxy\/15\.21\.0406\.000 BACKENDAUTHENTICATE\) \[[A-Za-z0-9+/=]+\]$/);
  t.same(await wire.command('c1', 'CAPABILITY'), [
    '* CAPABILITY IMAP4 IMAP4rev1 AUTH=XOAUTH2 LOGINDISABLED SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
    'c1 OK CAPABILITY completed.',
  ]);
  t.same(await wire.command('xm001', 'LOGIN alice@contoso.com Alice-Passw0rd!'), ['xm001 NO Basic authentication is disabled.']);
  t.equal(await wire.line(), '* BYE Microsoft Exchange Server IMAP4 server signing off.');
  t.ok(await wire.closedByServer(), 'and the session ends');
  const again = await imapsSession(gw.ports.imaps, gw.caCert);
  t.same(await again.wire.command('p1', `AUTHENTICATE PLAIN ${plain('alice@contoso.com', 'Alice-Passw0rd!')}`), ['p1 NO Basic authentication is disabled.']);
  t.equal(await again.wire.line(), '* BYE Microsoft Exchange Server IMAP4 server signing off.');
  const oauth = await imapsSession(gw.ports.imaps, gw.caCert);
  const token = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/IMAP.AccessAsUser.All');
  t.same(await oauth.wire.command('o1', `AUTHENTICATE XOAUTH2 ${xoauth2('alice@contoso.com', token)}`), ['o1 OK AUTHENTICATE completed.'], 'OAuth still works');
  oauth.wire.end();
});
