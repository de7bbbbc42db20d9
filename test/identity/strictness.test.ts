// What the identity platform refuses that a lenient mock would let through: client credentials
// at /common, confidential clients that skip their secret, device polling without a client,
// a GET on the token endpoint.
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { assertAadsts, MAIL_APP, MAIL_APP_SECRET, pkce, postToken, PUBLIC_CLIENT, REDIRECT_URI, ropcForm, ALICE, SMTP_SCOPE, parseForm } from './helpers.js';

t.test('strictness', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });

  t.test('client credentials need a tenant: /common and /organizations say 50059', async (t) => {
    for (const segment of ['common', 'organizations']) {
      const res = await postToken(gw, segment, { grant_type: 'client_credentials', client_id: MAIL_APP, client_secret: MAIL_APP_SECRET, scope: 'https://outlook.office365.com/.default' });
      assertAadsts(t, res, { status: 400, error: 'invalid_request', code: 50059 });
    }
  });

  t.test('a confidential client refreshing without its secret: 7000218', async (t) => {
    const first = await postToken(gw, 'contoso.com', { ...ropcForm(ALICE.upn, ALICE.password, `${SMTP_SCOPE} offline_access`, MAIL_APP), client_secret: MAIL_APP_SECRET });
    const refresh = first.json<{ refresh_token: string }>().refresh_token;
    t.ok(refresh);
    const res = await postToken(gw, 'contoso.com', { grant_type: 'refresh_token', client_id: MAIL_APP, refresh_token: refresh });
    assertAadsts(t, res, { status: 401, error: 'invalid_client', code: 7000218 });
    const ok = await postToken(gw, 'contoso.com', { grant_type: 'refresh_token', client_id: MAIL_APP, client_secret: MAIL_APP_SECRET, refresh_token: refresh });
    t.equal(ok.status, 200);
  });

  t.test('PKCE does not spare a confidential client its secret', async (t) => {
    const { verifier, challenge } = pkce();
    const query = new URLSearchParams({ client_id: MAIL_APP, response_type: 'code', redirect_uri: REDIRECT_URI, scope: SMTP_SCOPE, code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await https(gw, 'GET', `/contoso.com/oauth2/v2.0/authorize?${query}`);
    const form = parseForm(page.text);
    const signedIn = await https(gw, 'POST', form.action, { form: { ...form.fields, username: ALICE.upn, password: ALICE.password } });
    const code = new URL(String(signedIn.headers.location)).searchParams.get('code')!;
    const res = await postToken(gw, 'contoso.com', { grant_type: 'authorization_code', client_id: MAIL_APP, code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    assertAadsts(t, res, { status: 401, error: 'invalid_client', code: 7000218 });
  });

  t.test('device-code polling must name its client', async (t) => {
    const started = await https(gw, 'POST', '/contoso.com/oauth2/v2.0/devicecode', { form: { client_id: PUBLIC_CLIENT, scope: SMTP_SCOPE } });
    const deviceCode = started.json<{ device_code: string }>().device_code;
    const res = await postToken(gw, 'contoso.com', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode });
    assertAadsts(t, res, { status: 400, error: 'invalid_request', code: 900144, text: "AADSTS900144: The request body must contain the following parameter: 'client_id'.".slice(14) });
    const elsewhere = await postToken(gw, 'fabrikam.com', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: PUBLIC_CLIENT, device_code: deviceCode });
    t.equal(elsewhere.json<{ error_codes: number[] }>().error_codes[0], 70000, "another tenant's token endpoint does not know the code");
  });

  t.test('GET on the token endpoint: 900561', async (t) => {
    const res = await https(gw, 'GET', '/contoso.com/oauth2/v2.0/token');
    assertAadsts(t, res, { status: 400, error: 'invalid_request', code: 900561, text: 'The endpoint only accepts POST, OPTIONS requests. Received a GET request.'.replace(/^/, '') });
  });
});
