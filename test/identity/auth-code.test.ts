// Authorization code with PKCE (reference §8.1): GET /authorize renders a sign-in form, the
// form posts back, the browser is sent to redirect_uri with code and state, and the client
// redeems the code (once) with its code_verifier. Walked as a browser would: the form's own
// action and hidden fields are what gets posted.
import { decodeJwt } from 'jose';
import t from 'tap';
import type { Gateway } from '../../index.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { https, type Response } from '../helpers/https.js';
import {
  ALICE,
  assertAadsts,
  assertToken,
  CAROL,
  GLOBAL_ADMIN_WID,
  IMAP_SCOPE,
  MAIL_APP,
  MAIL_APP_SECRET,
  pageError,
  parseForm,
  pkce,
  postToken,
  PUBLIC_CLIENT,
  REDIRECT_URI,
  SMTP_SCOPE,
  tenantId,
  userId,
  verifyJwt,
} from './helpers.js';

const SCOPE = `offline_access ${IMAP_SCOPE} ${SMTP_SCOPE}`;

function authorizeQuery(extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: PUBLIC_CLIENT, response_type: 'code', redirect_uri: REDIRECT_URI, scope: SCOPE, state: 'state-123', ...extra };
}

const authorizeUrl = (tenant: string, query: Record<string, string>) => `/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(query)}`;

/** GET the sign-in page, fill in the form and post it, as a browser does. */
async function signIn(gw: Gateway, tenant: string, query: Record<string, string>, username: string, password: string): Promise<Response> {
  const page = await https(gw, 'GET', authorizeUrl(tenant, query));
  if (page.status !== 200) throw new Error(`sign-in page: ${page.status} ${pageError(page.text)}`);
  const { action, fields } = parseForm(page.text);
  return https(gw, 'POST', action, { form: { ...fields, username, password } });
}

/** Signs in and returns the code from the redirect. */
async function codeFor(gw: Gateway, query: Record<string, string>, user = ALICE, tenant = 'contoso.com'): Promise<string> {
  const res = await signIn(gw, tenant, query, user.upn, user.password);
  if (res.status !== 302) throw new Error(`expected a redirect, got ${res.status}: ${pageError(res.text)}`);
  const code = new URL(String(res.headers.location)).searchParams.get('code');
  if (!code) throw new Error('no code in the redirect');
  return code;
}

const redeemForm = (code: string, verifier: string, extra: Record<string, string> = {}) => ({
  grant_type: 'authorization_code',
  client_id: PUBLIC_CLIENT,
  code,
  redirect_uri: REDIRECT_URI,
  code_verifier: verifier,
  ...extra,
});

t.test('authorization code with PKCE', async (t) => {
  // A frozen clock: no code can outlive its ten minutes while the test runs.
  const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
  const tid = tenantId(gw, 'contoso');

  t.test('GET /authorize renders an HTML sign-in form carrying the request', async (t) => {
    const { challenge } = pkce();
    const query = authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256', login_hint: ALICE.upn });
    const res = await https(gw, 'GET', authorizeUrl('contoso.com', query));
    t.equal(res.status, 200);
    t.match(String(res.headers['content-type']), /^text\/html/);
    t.match(res.text, /<!DOCTYPE html>/i);
    t.ok(res.text.includes('Public Client'), "names the app being signed in to");
    t.equal(pageError(res.text), null, 'no error shown');
    const { action, fields } = parseForm(res.text);
    t.equal(action, '/contoso.com/oauth2/v2.0/authorize', 'posts back to the same endpoint');
    t.equal(fields.username, ALICE.upn, 'login_hint fills the user name');
    t.equal(fields.password, '', 'password field is empty');
    for (const [k, v] of Object.entries(query)) if (k !== 'login_hint') t.equal(fields[k], v, `${k} carried as a hidden field`);
  });

  t.test('sign in, redirect with code and state, redeem with the S256 verifier', async (t) => {
    const { verifier, challenge } = pkce();
    const res = await signIn(gw, 'contoso.com', authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256', state: 'opaque-Ünïcode & more' }), ALICE.upn, ALICE.password);
    t.equal(res.status, 302, 'redirects the browser');
    const location = new URL(String(res.headers.location));
    t.equal(`${location.origin}${location.pathname}`, REDIRECT_URI, 'to the registered redirect URI');
    t.equal(location.searchParams.get('state'), 'opaque-Ünïcode & more', 'state round-trips');
    const code = location.searchParams.get('code');
    t.ok(code && code.length >= 32, 'a long code');

    const body = await assertToken(t, await postToken(gw, 'contoso.com', redeemForm(code!, verifier)));
    t.type(body.refresh_token, 'string', 'offline_access gave a refresh token');
    t.ok(body.scope.split(' ').includes(IMAP_SCOPE));
    const { payload } = await verifyJwt(gw, 'contoso.com', body.access_token);
    t.equal(payload.aud, 'https://outlook.office.com');
    t.equal(payload.iss, `https://sts.windows.net/${tid}/`);
    t.equal(payload.ver, '1.0');
    t.equal(payload.idtyp, 'user');
    t.equal(payload.tid, tid);
    t.equal(payload.upn, ALICE.upn);
    t.equal(payload.oid, userId(gw, ALICE.upn));
    t.equal(payload.appid, PUBLIC_CLIENT);
    t.equal(payload.scp, 'IMAP.AccessAsUser.All SMTP.Send');
    t.same(payload.wids, [GLOBAL_ADMIN_WID]);

    t.test('a second redemption → AADSTS54005', async (t) => {
      assertAadsts(t, await postToken(gw, 'contoso.com', redeemForm(code!, verifier)), {
        status: 400,
        error: 'invalid_grant',
        code: 54005,
        text: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      });
    });

    t.test('its refresh token works', async (t) => {
      const refreshed = await assertToken(t, await postToken(gw, 'contoso.com', { grant_type: 'refresh_token', client_id: PUBLIC_CLIENT, refresh_token: body.refresh_token! }));
      t.equal(decodeJwt(refreshed.access_token).upn, ALICE.upn);
    });
  });

  t.test('a wrong code_verifier → AADSTS501481', async (t) => {
    const { challenge } = pkce();
    const code = await codeFor(gw, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }));
    assertAadsts(t, await postToken(gw, 'contoso.com', redeemForm(code, pkce().verifier)), {
      status: 400,
      error: 'invalid_grant',
      code: 501481,
      text: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    });
    // Sending the S256 challenge itself as the verifier is just as wrong.
    assertAadsts(t, await postToken(gw, 'contoso.com', redeemForm(code, challenge)), { status: 400, error: 'invalid_grant', code: 501481 });
  });

  t.test('a missing code_verifier → AADSTS900144', async (t) => {
    const { challenge } = pkce();
    const code = await codeFor(gw, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const { code_verifier: _v, ...form } = redeemForm(code, '');
    assertAadsts(t, await postToken(gw, 'contoso.com', form), {
      status: 400,
      error: 'invalid_request',
      code: 900144,
      text: "The request body must contain the following parameter: 'code_verifier'.",
    });
  });

  t.test('the plain PKCE method compares the verifier as is', async (t) => {
    const { verifier } = pkce();
    const code = await codeFor(gw, authorizeQuery({ code_challenge: verifier, code_challenge_method: 'plain' }));
    await assertToken(t, await postToken(gw, 'contoso.com', redeemForm(code, verifier)));
  });

  t.test('redeeming with another redirect_uri → AADSTS50011', async (t) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(gw, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const res = await postToken(gw, 'contoso.com', redeemForm(code, verifier, { redirect_uri: 'http://localhost:8400/other' }));
    const body = assertAadsts(t, res, { status: 400, error: 'invalid_request', code: 50011 });
    t.ok(body.error_description.includes("'http://localhost:8400/other'"), 'names the redirect URI sent');
  });

  t.test("a code redeemed by another client or an unknown code → AADSTS70000", async (t) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(gw, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const text = "The provided value for the 'code' parameter is not valid.";
    assertAadsts(t, await postToken(gw, 'contoso.com', redeemForm(code, verifier, { client_id: MAIL_APP, client_secret: MAIL_APP_SECRET })), { status: 400, error: 'invalid_grant', code: 70000, text });
    assertAadsts(t, await postToken(gw, 'contoso.com', redeemForm('not-a-code', verifier)), { status: 400, error: 'invalid_grant', code: 70000, text });
    // The failed attempts did not use the code up.
    await assertToken(t, await postToken(gw, 'contoso.com', redeemForm(code, verifier)));
  });

  t.test('a missing code → AADSTS900144', async (t) => {
    const { code: _c, ...form } = redeemForm('', 'v');
    assertAadsts(t, await postToken(gw, 'contoso.com', form), { status: 400, error: 'invalid_request', code: 900144, text: "The request body must contain the following parameter: 'code'." });
  });

  t.test('a bad redirect_uri → an error page with AADSTS50011, no form', async (t) => {
    for (const redirect of ['https://evil.example.com/callback', 'http://localhost:8400/callback/../x', '']) {
      const res = await https(gw, 'GET', authorizeUrl('contoso.com', authorizeQuery({ redirect_uri: redirect })));
      t.equal(res.status, 400, redirect || '(empty)');
      t.match(String(res.headers['content-type']), /^text\/html/);
      t.equal(res.headers.location, undefined, 'never redirects to an unregistered URI');
      const error = pageError(res.text);
      t.ok(error?.startsWith("AADSTS50011: The redirect URI '"), `shows AADSTS50011 (${error})`);
      t.ok(error?.includes(`for the application '${PUBLIC_CLIENT}'`), 'names the app');
      t.notOk(/<form/i.test(res.text), 'no sign-in form');
    }
    // POSTing the form with a forged redirect_uri is refused the same way.
    const res = await https(gw, 'POST', '/contoso.com/oauth2/v2.0/authorize', {
      form: { ...authorizeQuery({ redirect_uri: 'https://evil.example.com/callback' }), username: ALICE.upn, password: ALICE.password },
    });
    t.not(res.status, 302, 'no redirect');
    t.match(pageError(res.text) ?? '', /^AADSTS50011: /);
  });

  t.test('other bad /authorize requests show their AADSTS code', async (t) => {
    const cases: [string, Record<string, string>, string, number][] = [
      ['unknown client', authorizeQuery({ client_id: '99999999-0000-0000-0000-000000000000' }), 'contoso.com', 700016],
      ['app of another tenant', authorizeQuery(), 'fabrikam.com', 700016],
      ['unknown tenant', authorizeQuery(), 'nosuchtenant.example', 90002],
      ['response_type token', authorizeQuery({ response_type: 'token' }), 'contoso.com', 9002313],
      ['permission not granted', authorizeQuery({ scope: 'https://outlook.office.com/POP.AccessAsUser.All' }), 'contoso.com', 65001],
      ['unknown scope', authorizeQuery({ scope: 'https://outlook.office.com/Nope.Nope' }), 'contoso.com', 70011],
    ];
    for (const [name, query, tenant, code] of cases) {
      const res = await https(gw, 'GET', authorizeUrl(tenant, query));
      t.equal(res.status, 400, name);
      t.match(pageError(res.text) ?? '', new RegExp(`^AADSTS${code}: `), name);
    }
  });

  t.test('a bad password shows the form again with AADSTS50126, and a retry from it succeeds', async (t) => {
    const { verifier, challenge } = pkce();
    const wrong = 'Definitely-Wrong-Passw0rd';
    const res = await signIn(gw, 'contoso.com', authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }), ALICE.upn, wrong);
    t.equal(res.status, 200, 'the page is shown again, no redirect');
    t.equal(res.headers.location, undefined);
    t.equal(pageError(res.text), 'AADSTS50126: Error validating credentials due to invalid username or password.');
    t.notOk(res.text.includes(wrong), 'the password is not echoed into the page');
    const { action, fields } = parseForm(res.text);
    t.equal(fields.username, ALICE.upn, 'the user name is kept');
    t.equal(fields.password, '', 'the password field is empty again');
    t.equal(fields.code_challenge, challenge, 'the request is kept');
    const retry = await https(gw, 'POST', action, { form: { ...fields, password: ALICE.password } });
    t.equal(retry.status, 302);
    const code = new URL(String(retry.headers.location)).searchParams.get('code')!;
    await assertToken(t, await postToken(gw, 'contoso.com', redeemForm(code, verifier)));
  });

  t.test('an unknown user on the form → AADSTS50034 on the page', async (t) => {
    const res = await signIn(gw, 'contoso.com', authorizeQuery(), 'nobody@contoso.com', 'x');
    t.equal(res.status, 200);
    t.match(pageError(res.text) ?? '', /^AADSTS50034: The user account nobody@contoso.com does not exist/);
  });

  t.test('an interactive sign-in satisfies per-user MFA (amr has mfa)', async (t) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(gw, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }), CAROL);
    const body = await assertToken(t, await postToken(gw, 'contoso.com', redeemForm(code, verifier)));
    const claims = decodeJwt(body.access_token);
    t.equal(claims.upn, CAROL.upn);
    t.same(claims.amr, ['pwd', 'mfa']);
  });

  t.test('openid with a nonce: the id token carries it', async (t) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(gw, authorizeQuery({ scope: `openid ${IMAP_SCOPE}`, nonce: 'n-0S6_WzA2Mj', code_challenge: challenge, code_challenge_method: 'S256' }));
    const body = await assertToken(t, await postToken(gw, 'contoso.com', redeemForm(code, verifier)));
    t.equal(body.refresh_token, undefined, 'no offline_access, no refresh token');
    const { payload } = await verifyJwt(gw, 'contoso.com', body.id_token!);
    t.equal(payload.nonce, 'n-0S6_WzA2Mj');
    t.equal(payload.aud, PUBLIC_CLIENT);
    t.equal(payload.iss, `https://login.microsoftonline.com/${tid}/v2.0`);
    t.equal(payload.preferred_username, ALICE.upn);
  });

  t.test('common: the user name picks the tenant', async (t) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(gw, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }), ALICE, 'common');
    const body = await assertToken(t, await postToken(gw, 'common', redeemForm(code, verifier)));
    t.equal(decodeJwt(body.access_token).tid, tid);
  });

  t.test("common: a user of another tenant cannot sign in to contoso's single-tenant app → AADSTS700016", async (t) => {
    // The same refusal ROPC gives (password-flow.test.ts): the app is not in the user's directory.
    const res = await signIn(gw, 'common', authorizeQuery(), 'ops@fabrikam.com', 'Fabrikam-Passw0rd!');
    t.equal(res.status, 200, 'the page is shown again');
    t.equal(res.headers.location, undefined, 'no code is issued');
    t.match(pageError(res.text) ?? '', new RegExp(`^AADSTS700016: Application with identifier '${PUBLIC_CLIENT}' was not found in the directory `));
  });

  t.test('response_mode=form_post answers with an auto-posting form', async (t) => {
    const res = await signIn(gw, 'contoso.com', authorizeQuery({ response_mode: 'form_post' }), ALICE.upn, ALICE.password);
    t.equal(res.status, 200);
    const { action, fields } = parseForm(res.text);
    t.equal(action, REDIRECT_URI);
    t.type(fields.code, 'string');
    t.equal(fields.state, 'state-123');
  });

  t.test('state and login_hint are escaped in the page', async (t) => {
    const hostile = '"><script>alert(1)</script>';
    const res = await https(gw, 'GET', authorizeUrl('contoso.com', authorizeQuery({ state: hostile, login_hint: hostile })));
    t.equal(res.status, 200);
    t.notOk(res.text.includes('<script>alert(1)</script>'), 'no markup injected');
    t.equal(parseForm(res.text).fields.state, hostile, 'the value survives as data');
  });

  t.test('a confidential client without PKCE must send its secret', async (t) => {
    const query = authorizeQuery({ client_id: MAIL_APP });
    const code = await codeFor(gw, query);
    const form = { grant_type: 'authorization_code', client_id: MAIL_APP, code, redirect_uri: REDIRECT_URI };
    assertAadsts(t, await postToken(gw, 'contoso.com', form), { status: 401, error: 'invalid_client', code: 7000218 });
    assertAadsts(t, await postToken(gw, 'contoso.com', { ...form, client_secret: 'wrong' }), { status: 401, error: 'invalid_client', code: 7000215 });
    const body = await assertToken(t, await postToken(gw, 'contoso.com', { ...form, client_secret: MAIL_APP_SECRET }));
    t.equal(decodeJwt(body.access_token).appidacr, '1');
  });
});

t.test('an authorization code expires', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
  const { verifier, challenge } = pkce();
  const code = await codeFor(gw, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }));
  await gw.clock.advance('11m');
  assertAadsts(t, await postToken(gw, 'contoso.com', redeemForm(code, verifier)), { status: 400, error: 'invalid_grant', code: 70000 });
});
