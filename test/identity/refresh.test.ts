// The refresh-token grant (reference §8.1 "Refresh", §8.5 70008/700082): a refresh token from
// ROPC with offline_access buys new access tokens, narrower scopes and a new refresh token;
// unknown, foreign and (after 90 days of emulated time) expired refresh tokens are refused.
import { decodeJwt } from 'jose';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import {
  ALICE,
  assertAadsts,
  assertToken,
  IMAP_SCOPE,
  MAIL_APP,
  MAIL_APP_SECRET,
  postToken,
  PUBLIC_CLIENT,
  ropcForm,
  SMTP_SCOPE,
  tenantId,
  userId,
  verifyJwt,
} from './helpers.js';

const SCOPES = `offline_access ${IMAP_SCOPE} ${SMTP_SCOPE}`;

const refreshForm = (refreshToken: string, extra: Record<string, string> = {}) => ({
  grant_type: 'refresh_token',
  client_id: PUBLIC_CLIENT,
  refresh_token: refreshToken,
  ...extra,
});

t.test('refresh tokens', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const tid = tenantId(gw, 'contoso');
  const first = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, SCOPES)));
  t.type(first.refresh_token, 'string', 'ROPC with offline_access gave a refresh token');
  const refreshToken = first.refresh_token!;

  t.test('a refresh token buys a new access token for the same user and scopes', async (t) => {
    const body = await assertToken(t, await postToken(gw, 'contoso.com', refreshForm(refreshToken)));
    t.type(body.refresh_token, 'string', 'a new refresh token comes with it');
    t.not(body.access_token, first.access_token, 'a new access token');
    const { payload } = await verifyJwt(gw, 'contoso.com', body.access_token);
    const before = decodeJwt(first.access_token);
    t.equal(payload.aud, 'https://outlook.office.com');
    t.equal(payload.iss, `https://sts.windows.net/${tid}/`);
    t.equal(payload.ver, '1.0');
    t.equal(payload.idtyp, 'user');
    t.equal(payload.upn, ALICE.upn);
    t.equal(payload.oid, userId(gw, ALICE.upn));
    t.equal(payload.appid, PUBLIC_CLIENT);
    t.equal(payload.scp, 'IMAP.AccessAsUser.All SMTP.Send');
    t.equal(payload.sub, before.sub, 'same pairwise subject');
    t.not(payload.uti, before.uti, 'a distinct token id');
  });

  t.test('the new refresh token works too, and the old one keeps working', async (t) => {
    const second = await assertToken(t, await postToken(gw, 'common', refreshForm(refreshToken)));
    const third = await assertToken(t, await postToken(gw, 'common', refreshForm(second.refresh_token!)));
    t.equal(decodeJwt(third.access_token).upn, ALICE.upn);
    await assertToken(t, await postToken(gw, 'common', refreshForm(refreshToken)));
  });

  t.test('a narrower scope gives a narrower token', async (t) => {
    const body = await assertToken(t, await postToken(gw, 'contoso.com', refreshForm(refreshToken, { scope: SMTP_SCOPE })));
    t.equal(decodeJwt(body.access_token).scp, 'SMTP.Send');
    t.equal(body.scope, SMTP_SCOPE);
  });

  t.test('asking a refresh for a permission the app lacks → AADSTS65001', async (t) => {
    const res = await postToken(gw, 'contoso.com', refreshForm(refreshToken, { scope: 'https://outlook.office.com/POP.AccessAsUser.All' }));
    assertAadsts(t, res, { status: 400, error: 'invalid_grant', code: 65001 });
  });

  t.test('unknown or garbage refresh tokens → invalid_grant AADSTS9002313', async (t) => {
    for (const garbage of ['garbage', `0.A${'x'.repeat(64)}`, refreshToken.slice(0, -2), `${refreshToken}x`]) {
      const res = await postToken(gw, 'contoso.com', refreshForm(garbage));
      assertAadsts(t, res, { status: 400, error: 'invalid_grant', code: 9002313, text: 'Invalid request. Request is malformed or invalid.' });
    }
  });

  t.test('a missing refresh_token → AADSTS900144', async (t) => {
    assertAadsts(t, await postToken(gw, 'contoso.com', { grant_type: 'refresh_token', client_id: PUBLIC_CLIENT }), {
      status: 400,
      error: 'invalid_request',
      code: 900144,
      text: "The request body must contain the following parameter: 'refresh_token'.",
    });
  });

  t.test("another client's refresh token → AADSTS70000", async (t) => {
    const res = await postToken(gw, 'contoso.com', refreshForm(refreshToken, { client_id: MAIL_APP, client_secret: MAIL_APP_SECRET }));
    assertAadsts(t, res, {
      status: 400,
      error: 'invalid_grant',
      code: 70000,
      text: "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
    });
  });

  t.test("a refresh token at another tenant's endpoint is refused", async (t) => {
    const res = await postToken(gw, 'fabrikam.com', refreshForm(refreshToken));
    assertAadsts(t, res, { status: 400, error: 'invalid_grant', code: 9002313 });
  });

  t.test('a disabled account cannot refresh → AADSTS50057', async (t) => {
    const erin = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm('erin@contoso.com', 'Erin-Passw0rd!', SCOPES)));
    await gw.seed('tenants:\n  - name: contoso\n    users:\n      - upn: erin@contoso.com\n        accountEnabled: false\n');
    assertAadsts(t, await postToken(gw, 'contoso.com', refreshForm(erin.refresh_token!)), { status: 400, error: 'invalid_grant', code: 50057 });
  });
});

t.test('a refresh token unused for more than 90 days → AADSTS700082', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2026-01-10T08:00:00Z', freezeClock: true });
  const first = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, SCOPES)));
  const used = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, SCOPES)));

  // 89 days on, a refresh still works, and its new refresh token starts a new 90 days.
  await gw.clock.advance('89d');
  const renewed = await assertToken(t, await postToken(gw, 'contoso.com', refreshForm(used.refresh_token!)));

  await gw.clock.advance('2d');
  const res = await postToken(gw, 'contoso.com', refreshForm(first.refresh_token!));
  const body = assertAadsts(t, res, {
    status: 400,
    error: 'invalid_grant',
    code: 700082,
    text: 'The refresh token has expired due to inactivity. The token was issued on 2026-01-10T08:00:00.0000000Z and was inactive for 90.00:00:00.',
  });
  t.equal(body.timestamp, '2026-04-11 08:00:00Z', 'timestamp is the emulated now');

  // The renewed token (issued on day 89) is still within its 90 days.
  const still = await assertToken(t, await postToken(gw, 'contoso.com', refreshForm(renewed.refresh_token!)));
  t.equal(decodeJwt(still.access_token).upn, ALICE.upn);
  await gw.clock.advance('91d');
  assertAadsts(t, await postToken(gw, 'contoso.com', refreshForm(renewed.refresh_token!)), { status: 400, error: 'invalid_grant', code: 700082 });
});

t.test('the refresh token is not stored in clear', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const body = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, SCOPES)));
  const rows = await gw.core.store.query<Record<string, unknown>>('select * from refresh_tokens');
  t.equal(rows.length, 1);
  t.notOk(JSON.stringify(rows).includes(body.refresh_token!), 'only a hash of the token is kept');
});
