// GET /v1.0/auditLogs/signIns: $filter on the supported subset (reference §9.2), $top, paging
// with the filter carried in the skip token, /beta, and Graph's 400 for everything else.
import t from 'tap';
import type { Gateway } from '../../index.js';
import { newSignIn, type SignInInput } from '../../core/signins/record.js';
import { FILTER_ERRORS, LIST_ERRORS, SIGNINS_CONTEXT } from '../../servers/http/graph/signins-replies.js';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { appGraphToken, MAIL_APP, SIGNINS_SEED, tenantId } from './helpers.js';

interface Page {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: { id: string; userPrincipalName: string; createdDateTime: string; clientAppUsed: string; status: { errorCode: number } }[];
}

const T0 = Date.parse('2022-06-01T10:00:00Z');

/** The records every case filters: name → what it is. */
const RECORDS: [string, number, Partial<SignInInput>][] = [
  ['alice@contoso.com', T0, { clientAppUsed: 'IMAP4', errorCode: 0 }],
  ['bob@contoso.com', T0 + 1000, { clientAppUsed: 'POP3', errorCode: 50126 }],
  ['carol@contoso.com', T0 + 1500, { clientAppUsed: 'Authenticated SMTP', errorCode: 0, appId: MAIL_APP, appDisplayName: 'Mail App' }],
  ['ALICE@contoso.com', T0 + 60_000, { clientAppUsed: 'Exchange ActiveSync', errorCode: 50053 }],
  ["o'brien@contoso.com", T0 + 120_000, { clientAppUsed: 'Exchange Web Services', errorCode: 0 }],
  ['dave@contoso.com', T0 + 3_600_000, { clientAppUsed: 'IMAP4', errorCode: 0 }],
];

async function list(gw: Gateway, bearer: string, query: string, version = 'v1.0') {
  const res = await https(gw, 'GET', `/${version}/auditLogs/signIns${query}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, body: res.json<Page & { error?: { code: string; message: string } }>() };
}

const q = (filter: string, extra = '') => `?$filter=${encodeURIComponent(filter)}${extra}`;
/** The cases look at the seeded records only (the token request's record is a day later). */
const seeded = (filter: string) => `(${filter}) and createdDateTime lt 2022-06-01T23:00:00Z`;

t.test('$filter, $top and paging of the sign-in log', async (t) => {
  const gw = await bootGateway(t, { seed: SIGNINS_SEED, clock: '2022-06-02T00:00:00Z' });
  const contoso = tenantId(gw, 'contoso');
  // The token request leaves a sign-in record of its own (newer than every seeded one): taken
  // first and flushed with them, so every case knows exactly what is in the store.
  const bearer = await appGraphToken(gw);
  for (const [upn, at, input] of RECORDS) {
    gw.core.signIns.record(newSignIn({ at, tenantId: contoso, typedUserName: upn, clientAppUsed: 'IMAP4', ipAddress: '192.0.2.7', errorCode: 0, ...input } as SignInInput));
  }
  // Another tenant's record matches most filters and must never appear.
  gw.core.signIns.record(newSignIn({ at: T0 + 1000, tenantId: tenantId(gw, 'fabrikam'), typedUserName: 'alice@contoso.com', clientAppUsed: 'IMAP4', ipAddress: '192.0.2.8', errorCode: 0 }));
  await gw.flush();

  await t.test('no filter: every record of the tenant, newest first', async (t) => {
    const { status, body } = await list(gw, bearer, '');
    t.equal(status, 200);
    t.equal(body['@odata.context'], SIGNINS_CONTEXT['v1.0']);
    t.same(body.value.slice(1).map((s) => s.userPrincipalName), RECORDS.map((r) => r[0]).reverse());
    t.match(body.value[0], { userPrincipalName: null, appDisplayName: 'Graph-only App', status: { errorCode: 0 } }, "first, the newest: the app's own token request");
    t.notOk(body['@odata.nextLink'], 'no nextLink on the last page');
    t.equal(body.value[2].createdDateTime, '2022-06-01T10:02:00Z', 'createdDateTime in UTC to the second');
  });

  const cases: [string, string[]][] = [
    ['createdDateTime ge 2022-06-01T10:00:01Z', ['dave', "o'brien", 'ALICE', 'carol', 'bob']],
    ['createdDateTime eq 2022-06-01T10:00:01Z', ['carol', 'bob']],
    ['createdDateTime gt 2022-06-01T10:00:01Z', ['dave', "o'brien", 'ALICE']],
    ['createdDateTime lt 2022-06-01T10:00:01Z', ['alice']],
    ['createdDateTime le 2022-06-01T10:00:01Z', ['carol', 'bob', 'alice']],
    ['createdDateTime ne 2022-06-01T10:00:01Z', ['dave', "o'brien", 'ALICE', 'alice']],
    ['createdDateTime eq 2022-06-01T10:00:01.500Z', ['carol']],
    ['createdDateTime ge 2022-06-01T12:00:00+02:00', ['dave', "o'brien", 'ALICE', 'carol', 'bob', 'alice']],
    ["userPrincipalName eq 'alice@contoso.com'", ['ALICE', 'alice']],
    ["userPrincipalName eq 'o''brien@contoso.com'", ["o'brien"]],
    ["startswith(userPrincipalName,'CA')", ['carol']],
    ["startsWith(userPrincipalName, 'o''b')", ["o'brien"]],
    ["clientAppUsed eq 'IMAP4'", ['dave', 'alice']],
    ['status/errorCode eq 50126', ['bob']],
    ['status/errorCode ne 0', ['ALICE', 'bob']],
    [`appId eq '${MAIL_APP}'`, ['carol']],
    ["appDisplayName eq 'mail app'", ['carol']],
    ["startswith(appDisplayName,'Office')", ['dave', "o'brien", 'ALICE', 'bob', 'alice']],
    ["createdDateTime ge 2022-06-01T00:00:00Z and clientAppUsed eq 'IMAP4'", ['dave', 'alice']],
    ["(clientAppUsed eq 'POP3' or clientAppUsed eq 'Exchange ActiveSync') and status/errorCode ne 0", ['ALICE', 'bob']],
    ["clientAppUsed eq 'IMAP4' or userPrincipalName eq 'bob@contoso.com' and status/errorCode eq 0", ['dave', 'alice']],
    ["clientAppUsed eq 'POP3' OR clientAppUsed eq 'IMAP4'", ['dave', 'bob', 'alice']],
    ["clientAppUsed eq 'Browser'", []],
  ];
  await t.test('filters', async (t) => {
    for (const [filter, expected] of cases) {
      const { status, body } = await list(gw, bearer, q(seeded(filter)));
      t.equal(status, 200, filter);
      t.same(
        body.value.map((s) => s.userPrincipalName.split('@')[0]),
        expected,
        filter,
      );
    }
  });

  await t.test('$top pages, and the nextLink keeps the filter', async (t) => {
    const seen: string[] = [];
    let link: string | undefined = `/v1.0/auditLogs/signIns${q(seeded('status/errorCode eq 0'), '&$top=2')}`;
    let pages = 0;
    while (link) {
      const path: string = link.replace(/^https:\/\/[^/]+/, '');
      const res = await https(gw, 'GET', path, { headers: { authorization: `Bearer ${bearer}` } });
      t.equal(res.status, 200);
      const body = res.json<Page>();
      t.ok(body.value.length <= 2, 'at most $top records a page');
      seen.push(...body.value.map((s) => s.userPrincipalName.split('@')[0]));
      link = body['@odata.nextLink'];
      if (link) t.match(link, /^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/auditLogs\/signIns\?\$top=2&\$skiptoken=/);
      pages++;
    }
    t.same(seen, ['dave', "o'brien", 'carol', 'alice']);
    t.equal(pages, 2);
    const zero = await list(gw, bearer, '?$top=0');
    t.same(zero.body.value, [], '$top=0: an empty page');
  });

  await t.test('/beta lists the same, with its own context', async (t) => {
    const { status, body } = await list(gw, bearer, '?$top=1', 'beta');
    t.equal(status, 200);
    t.equal(body['@odata.context'], SIGNINS_CONTEXT.beta);
    t.match(body['@odata.nextLink'], /\/beta\/auditLogs\/signIns\?\$top=1&\$skiptoken=/);
  });

  await t.test("refusals: Graph's 400 with OData's text", async (t) => {
    const deep = `${'('.repeat(40)}clientAppUsed eq 'IMAP4'${')'.repeat(40)}`;
    const refused: [string, string][] = [
      [q('foo eq 1'), FILTER_ERRORS.property('foo')],
      [q("location/city eq 'x'"), FILTER_ERRORS.property('city')],
      [q("userPrincipalName eqq 'a'"), FILTER_ERRORS.syntax(18, "userPrincipalName eqq 'a'")],
      [q('userPrincipalName eq'), FILTER_ERRORS.expression(20, 'userPrincipalName eq')],
      [q("(userPrincipalName eq 'a'"), FILTER_ERRORS.syntax(25, "(userPrincipalName eq 'a'")],
      [q("userPrincipalName eq 'a"), FILTER_ERRORS.syntax(23, "userPrincipalName eq 'a")],
      [q("createdDateTime ge '2022-06-01'"), FILTER_ERRORS.types('Edm.DateTimeOffset', 'Edm.String', 'GreaterThanOrEqual')],
      [q("status/errorCode eq '0'"), FILTER_ERRORS.types('Edm.Int32', 'Edm.String', 'Equal')],
      [q('createdDateTime ge 2022-06-01T10:00:00'), FILTER_ERRORS.syntax(19, 'createdDateTime ge 2022-06-01T10:00:00')],
      [q("clientAppUsed ne 'IMAP4'"), FILTER_ERRORS.operator('ne', 'clientAppUsed')],
      [q('status/errorCode gt 0'), FILTER_ERRORS.operator('gt', 'status/errorCode')],
      [q("startswith(clientAppUsed,'IM')"), FILTER_ERRORS.startsWith('clientAppUsed')],
      [q("endswith(userPrincipalName,'x')"), FILTER_ERRORS.func('endswith')],
      [q(deep), FILTER_ERRORS.tooComplex()],
      ['?$top=5000', LIST_ERRORS.topTooLarge('5000')],
      ['?$top=-1', LIST_ERRORS.topInvalid('-1')],
      ['?$top=abc', LIST_ERRORS.topInvalid('abc')],
      ['?$top=2&$top=3', LIST_ERRORS.repeated('$top')],
      ['?$skiptoken=not-a-token', LIST_ERRORS.skipToken()],
    ];
    for (const [query, message] of refused) {
      const { status, body } = await list(gw, bearer, query);
      t.equal(status, 400, query);
      t.equal(body.error?.code, 'BadRequest', query);
      t.equal(body.error?.message, message, query);
    }
  });
});
