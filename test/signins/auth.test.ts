// Who may read the sign-in log (reference §9.2): a Graph token (audience Graph) with
// AuditLog.Read.All, and for a signed-in user a reports role (Global Administrator / Reader,
// Reports Reader, Security Reader). Everyone sees their own tenant's records only; a skip token
// from another tenant's listing does not open that tenant's records.
import t from 'tap';
import type { Gateway } from '../../index.js';
import { newSignIn } from '../../core/signins/record.js';
import { bootGateway } from '../helpers/gateway.js';
import { https, token } from '../helpers/https.js';
import { appGraphToken, FABRIKAM_GRAPH_APP, MAIL_APP, SIGNINS_SEED, tenantId, userGraphToken } from './helpers.js';

interface Listing {
  value?: { userPrincipalName: string }[];
  '@odata.nextLink'?: string;
  error?: { code: string; message: string; innerError?: Record<string, string> };
}

async function get(gw: Gateway, path: string, bearer?: string) {
  const res = await https(gw, 'GET', path, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  return { status: res.status, body: res.json<Listing>() };
}

t.test('sign-in log access', async (t) => {
  const gw = await bootGateway(t, { seed: SIGNINS_SEED, clock: '2022-06-02T00:00:00Z' });
  const at = gw.clock.now().getTime() - 60_000;
  for (let i = 0; i < 3; i++) {
    gw.core.signIns.record(newSignIn({ at: at + i, tenantId: tenantId(gw, 'contoso'), typedUserName: `user${i}@contoso.com`, clientAppUsed: 'IMAP4', ipAddress: '192.0.2.1', errorCode: 0 }));
    gw.core.signIns.record(newSignIn({ at: at + i, tenantId: tenantId(gw, 'fabrikam'), typedUserName: `user${i}@fabrikam.com`, clientAppUsed: 'POP3', ipAddress: '192.0.2.2', errorCode: 0 }));
  }
  await gw.flush();
  // Token requests leave sign-in records of their own; the cases look at the seeded ones.
  const path = `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent("startswith(userPrincipalName,'user')")}`;

  await t.test('no token', async (t) => {
    const { status, body } = await get(gw, '/v1.0/auditLogs/signIns');
    t.equal(status, 401);
    t.equal(body.error?.code, 'InvalidAuthenticationToken');
    t.equal(body.error?.message, 'Access token is empty.');
    t.ok(body.error?.innerError?.['request-id'], "Graph's innerError");
  });

  await t.test('a token for Exchange, not Graph', async (t) => {
    const exchange = await token(gw, 'contoso.com', { grant_type: 'client_credentials', client_id: MAIL_APP, client_secret: 'app-secret', scope: 'https://outlook.office365.com/.default' });
    const { status, body } = await get(gw, path, exchange);
    t.equal(status, 401);
    t.equal(body.error?.code, 'InvalidAuthenticationToken');
    t.equal(body.error?.message, 'Access token validation failure. Invalid audience.');
  });

  await t.test('a Graph token without AuditLog.Read.All', async (t) => {
    const userRead = await userGraphToken(gw, 'alice@contoso.com', 'https://graph.microsoft.com/User.Read');
    const { status, body } = await get(gw, path, userRead);
    t.equal(status, 403);
    t.equal(body.error?.code, 'Authorization_RequestDenied');
    const appNoAudit = await token(gw, 'contoso.com', { grant_type: 'client_credentials', client_id: MAIL_APP, client_secret: 'app-secret', scope: 'https://graph.microsoft.com/.default' });
    t.equal((await get(gw, path, appNoAudit)).status, 403, 'an app without the AuditLog.Read.All role');
  });

  await t.test('signed-in users without a reports role', async (t) => {
    for (const upn of ['erin@contoso.com', 'exa@contoso.com', 'partner@contoso.com']) {
      const { status, body } = await get(gw, path, await userGraphToken(gw, upn));
      t.equal(status, 403, upn);
      t.equal(body.error?.code, 'Authentication_MSGraphPermissionMissing', upn);
      t.notOk(body.value, `${upn} sees no record`);
    }
  });

  await t.test('readers of the tenant see its records and only those', async (t) => {
    for (const upn of ['alice@contoso.com', 'gina@contoso.com', 'rita@contoso.com']) {
      const { status, body } = await get(gw, path, await userGraphToken(gw, upn));
      t.equal(status, 200, upn);
      t.same(body.value?.map((s) => s.userPrincipalName), ['user2@contoso.com', 'user1@contoso.com', 'user0@contoso.com'], upn);
    }
    const app = await get(gw, path, await appGraphToken(gw));
    t.equal(app.status, 200, 'an app with the AuditLog.Read.All role');
    t.equal(app.body.value?.length, 3);
  });

  await t.test("another tenant's admin sees their own tenant, and cannot page into contoso's", async (t) => {
    const fred = await userGraphToken(gw, 'fred@fabrikam.com');
    const own = await get(gw, path, fred);
    t.equal(own.status, 200);
    t.same(own.body.value?.map((s) => s.userPrincipalName), ['user2@fabrikam.com', 'user1@fabrikam.com', 'user0@fabrikam.com']);
    const everything = await get(gw, '/v1.0/auditLogs/signIns', fred);
    t.notOk(everything.body.value?.some((s) => s.userPrincipalName.endsWith('@contoso.com')), 'no contoso record without a filter either');
    // A link from alice's listing, followed with fred's token: still fabrikam's records only.
    const alicePage = await get(gw, `${path}&$top=1`, await userGraphToken(gw, 'alice@contoso.com'));
    const link = alicePage.body['@odata.nextLink']!.replace(/^https:\/\/[^/]+/, '');
    const followed = await get(gw, link, fred);
    t.equal(followed.status, 200);
    t.ok(followed.body.value?.length, 'some records');
    t.notOk(followed.body.value?.some((s) => s.userPrincipalName.endsWith('@contoso.com')), "no contoso record through contoso's link");
    const fabrikamApp = await get(gw, path, await appGraphToken(gw, 'fabrikam.com', FABRIKAM_GRAPH_APP));
    t.same(fabrikamApp.body.value?.map((s) => s.userPrincipalName.split('@')[1]), ['fabrikam.com', 'fabrikam.com', 'fabrikam.com'], "fabrikam's app: fabrikam's records");
  });

  await t.test("the admin center's download: a reader's Graph token, the tenant's records only", async (t) => {
    const exportPath = `/admin/api/signins/export?format=json&$filter=${encodeURIComponent("startswith(userPrincipalName,'user')")}`;
    const res = await https(gw, 'GET', exportPath, { headers: { authorization: `Bearer ${await userGraphToken(gw, 'alice@contoso.com')}` } });
    t.equal(res.status, 200);
    const rows = JSON.parse(res.text) as { userPrincipalName: string }[] | { value: { userPrincipalName: string }[] };
    const list = Array.isArray(rows) ? rows : rows.value;
    t.same(list.map((r) => r.userPrincipalName).sort(), ['user0@contoso.com', 'user1@contoso.com', 'user2@contoso.com']);
    const refused = await https(gw, 'GET', exportPath, { headers: { authorization: `Bearer ${await userGraphToken(gw, 'erin@contoso.com')}` } });
    t.equal(refused.status, 403, 'no reports role, no download');
    t.equal((await https(gw, 'GET', exportPath)).status, 401, 'no token');
  });

  await t.test('the control API route needs the control token', async (t) => {
    const res = await https(gw, 'GET', '/_exogate/signins?tenant=contoso');
    t.equal(res.status, 401);
    const fred = await userGraphToken(gw, 'fred@fabrikam.com');
    t.equal((await https(gw, 'GET', '/_exogate/signins?tenant=contoso', { headers: { authorization: `Bearer ${fred}` } })).status, 401, 'a Graph token is not the control token');
    t.equal((await https(gw, 'GET', '/_exogate/signins/export?tenant=contoso', { headers: { authorization: `Bearer ${fred}` } })).status, 401, 'nor for the download');
    const ok = await https(gw, 'GET', `/_exogate/signins?tenant=contoso&$count=true&$filter=${encodeURIComponent("startswith(userPrincipalName,'user')")}`, { control: true });
    t.equal(ok.status, 200);
    t.equal(ok.json<{ '@odata.count': number }>()['@odata.count'], 3);
    t.equal((await https(gw, 'GET', '/_exogate/signins?tenant=nowhere', { control: true })).status, 404, 'an unknown tenant');
  });
});
