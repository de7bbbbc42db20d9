// AUTH XOAUTH2 on POP3 (reference §3, §8.2, §8.3): `AUTH XOAUTH2`, a bare `+ `, then the blob.
// App-only tokens with a mailbox permission and user tokens sign in; bad, expired, wrong-audience,
// under-scoped tokens and a mailbox without permission all read the one failure line. A token
// does not fit in a one-line `AUTH XOAUTH2 <initial response>` at Exchange's command size.
import { decodeJwt } from 'jose';
import t from 'tap';
import type { Gateway } from '../../index.js';
import { TEXTS } from '../../servers/pop3/replies.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { appToken, xoauth2 } from '../helpers/https.js';
import { CLASSIC_CLOCK, openTls, POP_SEED, popAppToken, popUserToken } from './pop3-wire.js';

const OK = '+OK User successfully authenticated.';
const FAILED = '-ERR Authentication failure: unknown user name or bad password.';

async function xoauthLine(gw: Gateway, user: string, accessToken: string): Promise<string> {
  const wire = await openTls(gw);
  try {
    const prompt = await wire.command('AUTH XOAUTH2');
    if (prompt !== '+ ') throw new Error(`expected "+ ", got ${JSON.stringify(prompt)}`);
    return await wire.command(xoauth2(user, accessToken));
  } finally {
    wire.end();
  }
}

const gw = await bootGateway(t, { seed: BASE_SEED, clock: CLASSIC_CLOCK });
await gw.seed(POP_SEED);
const decide = (tok: string, user = 'alice@contoso.com') => gw.core.auth.decide({ protocol: 'pop', kind: 'oauth', username: user, token: tok, clientIp: '127.0.0.1', tls: true });

t.test('an app-only token (client credentials) with POP.AccessAsApp signs in to a mailbox it was granted', async (t) => {
  const tok = await popAppToken(gw);
  t.same(decodeJwt(tok).roles, ['POP.AccessAsApp']);
  const wire = await openTls(gw);
  t.equal(await wire.command('AUTH XOAUTH2'), '+ ', 'a bare "+ " asks for the blob');
  t.equal(await wire.command(xoauth2('alice@contoso.com', tok)), OK);
  t.match(await wire.command('STAT'), /^\+OK \d+ \d+$/, 'in TRANSACTION on Alice’s maildrop');
  t.equal(await wire.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');

  t.equal(await xoauthLine(gw, 'erin@contoso.com', tok), FAILED, 'a mailbox without Add-MailboxPermission fails outright (§8.2), unlike IMAP');
  t.equal((await decide(tok, 'erin@contoso.com')).outcome, 'no-mailbox-permission');
});

t.test('a user token signs in to its own mailbox only; Basic policies leave it alone', async (t) => {
  const tok = await popUserToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!');
  t.equal(await xoauthLine(gw, 'alice@contoso.com', tok), OK);
  t.equal(await xoauthLine(gw, '', tok), OK, 'no user= names the token’s own mailbox');
  t.equal(await xoauthLine(gw, 'bob@contoso.com', tok), FAILED, "another user's mailbox");
  t.equal((await decide(tok, 'bob@contoso.com')).outcome, 'no-mailbox-permission');
  const bobs = await popUserToken(gw, 'bob@contoso.com', 'Bob-Passw0rd!');
  t.equal(await xoauthLine(gw, 'bob@contoso.com', bobs), OK, 'an authentication policy blocking Basic POP does not touch OAuth');
});

t.test('POP disabled for the mailbox: the token is accepted, the mailbox is not', async (t) => {
  const tok = await popUserToken(gw, 'pat@contoso.com', 'Pat-Passw0rd!');
  t.equal((await decide(tok, 'pat@contoso.com')).outcome, 'protocol-disabled-for-mailbox');
  const wire = await openTls(gw);
  t.equal(await wire.command('AUTH XOAUTH2'), '+ ');
  t.equal(await wire.command(xoauth2('pat@contoso.com', tok)), OK);
  t.equal(await wire.command('UIDL'), `-ERR ${TEXTS.notConnected.text}`);
  wire.end();
});

t.test('bad tokens: wrong audience, wrong scope, wrong app role, garbage, expired — one line for all', async (t) => {
  const graph = await popAppToken(gw, 'https://graph.microsoft.com/.default');
  t.equal(await xoauthLine(gw, 'alice@contoso.com', graph), FAILED, 'a Graph token');
  t.equal((await decide(graph)).outcome, 'wrong-audience');

  const smtpOnly = await popUserToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/SMTP.Send');
  t.equal(await xoauthLine(gw, 'alice@contoso.com', smtpOnly), FAILED, 'a user token without POP.AccessAsUser.All');
  t.equal((await decide(smtpOnly)).outcome, 'missing-scope');

  const imapApp = await appToken(gw); // BASE_SEED's app: IMAP.AccessAsApp and SMTP.SendAsApp, no POP role
  t.equal(await xoauthLine(gw, 'alice@contoso.com', imapApp), FAILED, 'an app-only token without POP.AccessAsApp');
  t.equal((await decide(imapApp)).outcome, 'missing-scope');

  t.equal(await xoauthLine(gw, 'alice@contoso.com', 'not-a-jwt'), FAILED, 'garbage');
  t.equal((await decide('not-a-jwt')).outcome, 'token-invalid');

  const wire = await openTls(gw);
  t.equal(await wire.command('AUTH XOAUTH2'), '+ ');
  t.equal(await wire.command('%%% not base64 %%%'), FAILED, 'a blob that is not base64');
  t.equal(await wire.command('AUTH GSSAPI'), '-ERR Protocol error. 14', 'an unknown mechanism');
  t.same(await wire.multi('AUTH'), { first: '+OK', lines: ['PLAIN', 'XOAUTH2'] }, 'AUTH alone lists the mechanisms');
  wire.end();

  const good = await popUserToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!');
  t.equal(await xoauthLine(gw, 'alice@contoso.com', good), OK);
  await gw.clock.advance('66m'); // 60 minutes of lifetime + 5 of clock skew, and then some
  t.equal(await xoauthLine(gw, 'alice@contoso.com', good), FAILED, 'expired');
  t.equal((await decide(good)).outcome, 'token-expired');

  await gw.flush();
  const records = await gw.core.store.query<{ client_app_used: string }>('select client_app_used from signins');
  t.ok(records.length > 0, 'issuing the tokens left records');
  t.notOk(
    records.some((r) => r.client_app_used === 'POP3'),
    'using a token on POP3 leaves none of its own (Entra logged the sign-in when it issued the token)',
  );
});

t.test('AUTH XOAUTH2 <initial response>: RFC 5034 allows it, a token does not fit in a 512-byte command', async (t) => {
  const tok = await popUserToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!');
  const line = `AUTH XOAUTH2 ${xoauth2('alice@contoso.com', tok)}`;
  t.ok(line.length > gw.core.limits.pop3MaxCommandBytes, `the line is ${line.length} bytes`);
  const wire = await openTls(gw);
  t.equal(await wire.command(line), '-ERR Protocol error. Connection is closed. 10', 'as Exchange Online answers it (getmail6 #256)');
  t.ok(await wire.closedByServer());

  const roomy = await bootGateway(t, { seed: BASE_SEED, clock: CLASSIC_CLOCK, limits: { pop3MaxCommandBytes: 8192 } });
  await roomy.seed(POP_SEED);
  const roomyToken = await popUserToken(roomy, 'alice@contoso.com', 'Alice-Passw0rd!');
  const inline = await openTls(roomy);
  t.equal(await inline.command(`AUTH XOAUTH2 ${xoauth2('alice@contoso.com', roomyToken)}`), OK, 'with a larger command size the initial response works');
  inline.end();
});

t.test('the 2026 front end still takes tokens', async (t) => {
  const later = await bootGateway(t, { seed: BASE_SEED, clock: '2026-10-01T00:00:00Z' });
  await later.seed(POP_SEED);
  const tok = await popUserToken(later, 'alice@contoso.com', 'Alice-Passw0rd!');
  t.equal(await xoauthLine(later, 'alice@contoso.com', tok), OK);
});
