// The HTTPS sign-in gate on its own: credential parsing, the anchor mailbox, and the gate in
// front of a bare route over a real socket (each protocol's own suite runs the full matrix).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import t from 'tap';
import { anchorMailbox, decisionOf, parseAuthorization, signIn } from '../../servers/http/auth/gate.js';
import { exchangeHeaders } from '../../servers/http/auth/headers.js';
import { CHALLENGES, HTTP_REFUSALS, IIS_401_PAGE } from '../../servers/http/auth/replies.js';
import { OUTCOMES } from '../../core/auth/attempt.js';
import { FrontEnds } from '../../core/frontends.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

t.test('parseAuthorization reads Basic and Bearer, and nothing else', async (t) => {
  t.same(parseAuthorization(`Basic ${b64('alice@contoso.com:pa:ss')}`), { kind: 'basic', username: 'alice@contoso.com', secret: 'pa:ss' }, 'the password may hold colons');
  t.same(parseAuthorization(`basic ${b64('a@b.c:x')}`), { kind: 'basic', username: 'a@b.c', secret: 'x' }, 'scheme is case-insensitive');
  t.same(parseAuthorization('Bearer eyJ.abc.def'), { kind: 'bearer', token: 'eyJ.abc.def' });
  t.equal(parseAuthorization(undefined), null);
  t.equal(parseAuthorization('Basic'), null, 'no value');
  t.equal(parseAuthorization('Basic !!!notbase64'), null);
  t.equal(parseAuthorization(`Basic ${b64('no-colon')}`), null);
  t.equal(parseAuthorization(`Basic ${b64(':empty-user')}`), null);
  t.equal(parseAuthorization('Bearer '), null);
  t.equal(parseAuthorization('NTLM TlRMTVNTUAABAAAA'), null, 'NTLM is not offered by Exchange Online');
  t.equal(parseAuthorization('Negotiate YIIG'), null);
});

t.test('anchorMailbox reads X-AnchorMailbox in its three forms', async (t) => {
  const req = (value?: string) => ({ get: () => value }) as unknown as express.Request;
  t.equal(anchorMailbox(req('UPN:alice@contoso.com')), 'alice@contoso.com');
  t.equal(anchorMailbox(req('SMTP:alice@contoso.com')), 'alice@contoso.com');
  t.equal(anchorMailbox(req('alice@contoso.com')), 'alice@contoso.com');
  t.equal(anchorMailbox(req(undefined)), undefined);
  t.equal(anchorMailbox(req('UPN:')), undefined);
});

t.test('the reply table covers every outcome but ok, and holds the reference strings', async (t) => {
  for (const outcome of OUTCOMES) if (outcome !== 'ok') t.ok(HTTP_REFUSALS[outcome], `${outcome} has a refusal`);
  t.equal(HTTP_REFUSALS['basic-blocked-by-microsoft'].challenge, 'Basic Realm="",Basic Realm=""', '§5.1');
  t.equal(HTTP_REFUSALS['bad-credentials'].challenge, 'Basic Realm="",Negotiate', '§5.2');
  t.equal(
    CHALLENGES.none,
    'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",Basic Realm=""',
    '§5.3, later captures',
  );
});

t.test('the gate in front of a route, over a socket', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const app = express();
  app.use(exchangeHeaders(new FrontEnds()), signIn(gw.core.auth, { protocol: 'ews' }), (_req, res) => {
    const d = decisionOf(res);
    res.json({ outcome: d.outcome, mailbox: d.mailbox?.upn });
  });
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const none = await fetch(url);
  t.equal(none.status, 401);
  t.equal(none.headers.get('www-authenticate'), CHALLENGES.none);
  t.equal(none.headers.get('x-backendhttpstatus'), '401');
  t.equal(none.headers.get('server'), 'Microsoft-IIS/10.0');
  t.match(none.headers.get('request-id'), /^[0-9a-f-]{36}$/);

  const ok = await fetch(url, { headers: { authorization: `Basic ${b64('alice@contoso.com:Alice-Passw0rd!')}` } });
  t.equal(ok.status, 200);
  t.same(await ok.json(), { outcome: 'ok', mailbox: 'alice@contoso.com' });
  t.equal(ok.headers.get('x-backendhttpstatus'), '200');

  const bad = await fetch(url, { headers: { authorization: `Basic ${b64('alice@contoso.com:wrong')}` } });
  t.equal(bad.status, 401);
  t.equal(bad.headers.get('www-authenticate'), CHALLENGES.badCredentials);
  t.equal(await bad.text(), IIS_401_PAGE);

  const ntlm = await fetch(url, { headers: { authorization: 'NTLM TlRMTVNTUAABAAAA' } });
  t.equal(ntlm.status, 401, 'an unsupported scheme is no credential');
  t.equal(ntlm.headers.get('www-authenticate'), CHALLENGES.none);
});
