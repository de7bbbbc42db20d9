// Reporting Web Services: the service document, $metadata, MessageTrace and MailboxUsageDetail
// from the mail store, the OData query options, who may read reports, and OData errors.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import t from 'tap';
import { submitMessage } from '../../core/mail/submission.js';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { adminAppToken, ALICE, basic, BOB, delegatedToken, ENDPOINTS_SEED, FABRIKAM_CLIENT, MEGAN, OPS } from './seed.js';

const SVC = '/ecp/reportingwebservice/reporting.svc';
const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false }).parse(xml);

interface TraceRow {
  __metadata: { id: string; uri: string; type: string };
  Organization: string;
  MessageId: string | null;
  Received: string;
  SenderAddress: string;
  RecipientAddress: string;
  Subject: string;
  Status: string;
  Size: number;
  MessageTraceId: string;
  StartDate: string;
  EndDate: string;
  Index: number;
}

t.test('Reporting Web Services', async (t) => {
  const gw = await bootGateway(t, { seed: ENDPOINTS_SEED });
  const { directory, mail } = gw.core;
  const alice = directory.userByUpn(ALICE.upn)!;
  const tenant = directory.tenant('contoso')!;
  // Alice sends one message to Bob and to a partner outside every tenant (captured, not relayed).
  const message = Buffer.from('From: Alice Wilber <alice@contoso.com>\r\nTo: bob@contoso.com, partner@example.org\r\nSubject: Contract\r\nMessage-ID: <contract@contoso.com>\r\n\r\nSigned.\r\n');
  await submitMessage(
    { directory, mail },
    { sender: { tenant, mailbox: alice, trustee: alice.id }, mailFrom: ALICE.upn, rcptTo: [BOB.upn, 'partner@example.org'], message, at: gw.clock.now(), messageIdHost: 'test' },
  );
  const host = `127.0.0.1:${gw.ports.https}`;
  const base = `https://${host}${SVC}`;
  const auth = { authorization: basic(ALICE.upn, ALICE.password), host };
  const get = (path: string, headers: Record<string, string> = auth) => https(gw, 'GET', `${SVC}${path.replace(/ /g, '%20')}`, { headers });
  const trace = async (query: string) => {
    const res = await get(`/MessageTrace?$format=json${query}`);
    t.equal(res.status, 200, `MessageTrace${query}`);
    return res.json<{ d: { results: TraceRow[]; __next?: string } }>().d;
  };

  t.test('the service document lists the reports, in Atom and JSON', async (t) => {
    const res = await get('');
    t.equal(res.status, 200);
    t.equal(res.headers['content-type'], 'application/xml;charset=utf-8');
    t.equal(res.headers.dataserviceversion, '2.0;');
    t.equal(XMLValidator.validate(res.text), true, 'well-formed XML');
    const service = parse(res.text).service;
    t.equal(service['@_base'], `${base}/`);
    t.same(
      service.workspace.collection.map((c: { '@_href': string }) => c['@_href']),
      ['MessageTrace', 'MailboxUsageDetail'],
    );
    const json = await get('/?$format=json');
    t.equal(json.headers['content-type'], 'application/json;charset=utf-8');
    t.same(json.json(), { d: { EntitySets: ['MessageTrace', 'MailboxUsageDetail'] } });
    const accept = await get('', { ...auth, accept: 'application/json' });
    t.same(accept.json(), { d: { EntitySets: ['MessageTrace', 'MailboxUsageDetail'] } }, 'Accept: application/json');
  });

  t.test('$metadata describes both entity types', async (t) => {
    const res = await get('/$metadata');
    t.equal(res.status, 200);
    t.equal(XMLValidator.validate(res.text), true, 'well-formed XML');
    t.match(res.text, /m:IsDefaultEntityContainer="true"/);
    const schema = parse(res.text).Edmx.DataServices.Schema;
    t.equal(schema['@_Namespace'], 'TenantReporting');
    const types = schema.EntityType as { '@_Name': string; Property: { '@_Name': string; '@_Type': string }[] }[];
    const trace = types.find((e) => e['@_Name'] === 'MessageTrace')!;
    t.same(
      trace.Property.map((p) => p['@_Name']),
      ['Organization', 'MessageId', 'Received', 'SenderAddress', 'RecipientAddress', 'Subject', 'Status', 'ToIP', 'FromIP', 'Size', 'MessageTraceId', 'StartDate', 'EndDate', 'Index'],
    );
    t.equal(trace.Property.find((p) => p['@_Name'] === 'Received')!['@_Type'], 'Edm.DateTime');
    const usage = types.find((e) => e['@_Name'] === 'MailboxUsageDetail')!;
    t.equal(usage.Property.find((p) => p['@_Name'] === 'CurrentMailboxSize')!['@_Type'], 'Edm.Int64');
    t.same(
      schema.EntityContainer.EntitySet.map((s: { '@_Name': string }) => s['@_Name']),
      ['MessageTrace', 'MailboxUsageDetail'],
    );
  });

  t.test('MessageTrace: deliveries and captured mail, newest first', async (t) => {
    const d = await trace('');
    const rows = d.results;
    t.equal(rows.length, 4, "Bob's copy, the partner's, and the two seeded messages");
    const toBob = rows.filter((r) => r.MessageId === '<contract@contoso.com>');
    t.same(toBob.map((r) => r.RecipientAddress).sort(), [BOB.upn, 'partner@example.org']);
    t.equal(toBob[0].MessageTraceId, toBob[1].MessageTraceId, 'one trace id per message');
    const bobRow = toBob.find((r) => r.RecipientAddress === BOB.upn)!;
    t.equal(bobRow.SenderAddress, ALICE.upn);
    t.equal(bobRow.Subject, 'Contract');
    t.equal(bobRow.Status, 'Delivered');
    t.equal(bobRow.Organization, 'contoso.onmicrosoft.com');
    t.equal(bobRow.__metadata.type, 'TenantReporting.MessageTrace');
    t.equal(bobRow.__metadata.uri, `${base}/MessageTrace(${bobRow.Index})`);
    t.match(bobRow.Received, /^\/Date\(\d+\)\/$/);
    t.same(
      rows.map((r) => r.Index),
      [0, 1, 2, 3],
    );
    const times = rows.map((r) => Number(/\d+/.exec(r.Received)![0]));
    t.same(times, [...times].sort((a, b) => b - a), 'newest first');
    t.notOk(rows.some((r) => r.RecipientAddress === OPS.upn), "another tenant's mailboxes are not in the trace");
  });

  t.test('MessageTrace: $filter, $select, $orderby, $top with a next link', async (t) => {
    const toBob = await trace(`&$filter=RecipientAddress eq 'bob@contoso.com'`);
    t.same(
      toBob.results.map((r) => r.Subject).sort(),
      ['Contract', 'Lunch?'],
    );
    const both = await trace(`&$filter=SenderAddress eq 'ALICE@contoso.com' and substringof('contract', Subject)`);
    t.equal(both.results.length, 2, 'and, substringof, case-insensitive strings');
    const either = await trace(`&$filter=(RecipientAddress eq 'alice@contoso.com') or not (Size lt 100000)`);
    t.same(
      either.results.map((r) => r.RecipientAddress),
      [ALICE.upn],
    );
    const selected = await trace(`&$select=RecipientAddress,Size&$orderby=RecipientAddress desc`);
    t.same(Object.keys(selected.results[0]), ['__metadata', 'RecipientAddress', 'Size']);
    t.same(
      selected.results.map((r) => r.RecipientAddress),
      ['partner@example.org', BOB.upn, BOB.upn, ALICE.upn],
    );
    const first = await trace('&$top=1');
    t.equal(first.results.length, 1);
    t.equal(first.__next, undefined, '$top asks for one row: no next link');

    // The window: StartDate/EndDate restrict Received and come back on every row.
    const window = `&$filter=StartDate eq datetime'2024-02-01T00:00:00Z' and EndDate eq datetime'2024-02-29T00:00:00Z'`;
    t.same((await trace(window)).results, [], 'nothing was received in February');
    const from = new Date(gw.clock.now().getTime() - 86_400_000).toISOString().slice(0, 19);
    const to = new Date(gw.clock.now().getTime() + 86_400_000).toISOString().slice(0, 19);
    const recent = await trace(`&$filter=StartDate eq datetime'${from}' and EndDate eq datetime'${to}'`);
    t.equal(recent.results.length, 4, 'a window around now holds everything');
    t.equal(recent.results[0].StartDate, `/Date(${Date.parse(`${from}Z`)})/`, 'a datetime without a zone is UTC');
    t.equal(recent.results[0].EndDate, `/Date(${Date.parse(`${to}Z`)})/`);
  });

  t.test('server paging: at most httpMaxPageItems rows, then __next', async (t) => {
    const paged = await bootGateway(t, { seed: ENDPOINTS_SEED, limits: { httpMaxPageItems: 3 } });
    const res = await https(paged, 'GET', `${SVC}/MessageTrace?$format=json&$orderby=Size`, { headers: { authorization: basic(ALICE.upn, ALICE.password), host: `127.0.0.1:${paged.ports.https}` } });
    const d = res.json<{ d: { results: unknown[]; __next?: string } }>().d;
    t.equal(d.results.length, 2, 'the seeded messages fit in one page');
    t.equal(d.__next, undefined);
    const users = await https(paged, 'GET', `${SVC}/MailboxUsageDetail?$format=json&$top=2&$skip=1`, { headers: { authorization: basic(ALICE.upn, ALICE.password) } });
    t.same(
      users.json<{ d: { results: { WindowsLiveID: string }[] } }>().d.results.map((r) => r.WindowsLiveID),
      [BOB.upn, MEGAN.upn],
    );
    const all = await https(paged, 'GET', `${SVC}/MailboxUsageDetail?$format=json&$top=1000`, { headers: { authorization: basic(ALICE.upn, ALICE.password), host: `127.0.0.1:${paged.ports.https}` } });
    const page = all.json<{ d: { results: unknown[]; __next?: string } }>().d;
    t.equal(page.results.length, 3, 'one page of three');
    t.equal(page.__next, undefined, 'three users, three rows: nothing more');
  });

  t.test('MailboxUsageDetail: each mailbox and its size from the store, in Atom', async (t) => {
    let aliceBytes = 0;
    for (const folder of await mail.folders(alice.id)) for (const m of await mail.index(folder.id)) aliceBytes += m.size;
    const json = await get(`/MailboxUsageDetail?$format=json&$filter=WindowsLiveID eq 'alice@contoso.com'`);
    const [row] = json.json<{ d: { results: Record<string, unknown>[] } }>().d.results;
    t.equal(row.CurrentMailboxSize, String(aliceBytes), 'Int64 as a string (OData v2 JSON)');
    t.equal(row.UserName, 'Alice Wilber');
    t.equal(row.TenantGuid, tenant.id);
    t.equal(row.IsInactive, false);
    const today = Math.floor(gw.clock.now().getTime() / 86_400_000) * 86_400_000;
    t.equal(row.Date, `/Date(${today})/`, 'the report day');

    const atom = await get('/MailboxUsageDetail');
    t.equal(atom.headers['content-type'], 'application/atom+xml;type=feed;charset=utf-8');
    t.equal(XMLValidator.validate(atom.text), true, 'well-formed XML');
    const feed = parse(atom.text).feed;
    t.equal(feed.title['#text'], 'MailboxUsageDetail');
    const entries = feed.entry as { category: { '@_term': string }; content: { properties: Record<string, { '#text'?: string; '@_type'?: string; '@_null'?: string } | string> } }[];
    t.equal(entries.length, 3);
    t.equal(entries[0].category['@_term'], 'TenantReporting.MailboxUsageDetail');
    const props = entries.find((e) => e.content.properties.WindowsLiveID === ALICE.upn)!.content.properties;
    t.same(props.CurrentMailboxSize, { '#text': String(aliceBytes), '@_type': 'Edm.Int64' });
    t.match(props.Date, { '#text': /^\d{4}-\d\d-\d\dT00:00:00\.000$/, '@_type': 'Edm.DateTime' });
    const nullable = parse((await get(`/MessageTrace?$select=ToIP&$top=1`)).text).feed.entry.content.properties.ToIP;
    t.same(nullable, { '@_null': 'true' }, 'a null value (m:null="true")');
  });

  t.test('who may read reports', async (t) => {
    const bob = await get('/MessageTrace', { authorization: basic(BOB.upn, BOB.password) });
    t.equal(bob.status, 403, 'a user without a reports role');
    t.match(parse(bob.text).error.message['#text'], /^Access is denied/);
    const megan = await get('/MailboxUsageDetail?$format=json', { authorization: basic(MEGAN.upn, MEGAN.password) });
    t.equal(megan.status, 200, 'Reports Reader');
    const app = await adminAppToken(gw);
    const byApp = await get('/MailboxUsageDetail?$format=json', { authorization: `Bearer ${app}` });
    t.equal(byApp.status, 200, 'an app with Exchange.ManageAsApp');
    const opsToken = await delegatedToken(gw, OPS, 'Exchange.Manage', FABRIKAM_CLIENT);
    const fabrikam = await get('/MailboxUsageDetail?$format=json', { authorization: `Bearer ${opsToken}` });
    t.same(
      fabrikam.json<{ d: { results: { WindowsLiveID: string }[] } }>().d.results.map((r) => r.WindowsLiveID),
      [OPS.upn],
      "a tenant's administrator sees its own tenant only",
    );
  });

  t.test('OData errors, never a crash', async (t) => {
    const cases: [string, number, RegExp][] = [
      [`/MessageTrace?$filter=Size eq`, 400, /^Syntax error at position 7 in 'Size eq'\.$/],
      [`/MessageTrace?$filter=Nope eq 1`, 400, /^No property 'Nope' exists in type 'TenantReporting\.MessageTrace' at position 0\.$/],
      [`/MessageTrace?$filter=Subject eq 'unterminated`, 400, /^Syntax error/],
      [`/MessageTrace?$filter=frobnicate(Subject)`, 400, /^Syntax error/],
      [`/MessageTrace?$filter=Received ge datetime'yesterday'`, 400, /^Syntax error/],
      [`/MessageTrace?$select=Nope`, 400, /^No property 'Nope'/],
      [`/MessageTrace?$top=abc`, 400, /^Invalid integer value 'abc' for \$top query option found\./],
      [`/MessageTrace?$skip=-1`, 400, /\$skip/],
      [`/MessageTrace?$orderby=Size sideways`, 400, /^Syntax error/],
      [`/MessageTrace?$frob=1`, 400, /^The query parameter '\$frob' begins with a system-reserved '\$' character but is not recognized\.$/],
      [`/MessageTrace?$format=csv`, 415, /^Unsupported media type requested\.$/],
      [`/StaleMailbox`, 404, /^Resource not found for the segment 'StaleMailbox'\.$/],
      [`/messagetrace`, 404, /^Resource not found for the segment 'messagetrace'\.$/],
      [`/MessageTrace/extra`, 404, /^Resource not found for the segment 'extra'\.$/],
    ];
    for (const [path, status, message] of cases) {
      const res = await get(path);
      t.equal(res.status, status, path);
      t.equal(res.headers['content-type'], 'application/xml;charset=utf-8', `${path}: an XML error`);
      t.match(parse(res.text).error.message['#text'], message, path);
    }
    const json = await get(`/MessageTrace?$format=json&$filter=Size%20eq`);
    t.equal(json.status, 400);
    t.same(json.json(), { error: { code: '', message: { lang: 'en-US', value: "Syntax error at position 7 in 'Size eq'." } } }, 'JSON error shape');
    const post = await https(gw, 'POST', `${SVC}/MessageTrace`, { headers: auth, body: '{}' });
    t.equal(post.status, 405);
    t.equal((await https(gw, 'GET', `${SVC}/MessageTrace`)).status, 401, 'without credentials');
  });
});

t.test('Basic for reporting outlived the October 2022 switch-off until 31 Dec 2022 (reference §5.7)', async (t) => {
  const gw = await bootGateway(t, {
    seed: `
tenants:
  - name: tailspin
    domains: [tailspin.com]
    phase: switch-off
    users:
      - upn: admin@tailspin.com
        password: "Tailspin-Passw0rd!"
        roles: [GlobalAdministrator]
`,
  });
  const auth = { authorization: basic('admin@tailspin.com', 'Tailspin-Passw0rd!') };
  const report = () => https(gw, 'GET', `${SVC}/MailboxUsageDetail?$format=json`, { headers: auth });
  t.equal((await report()).status, 200, 'switch-off phase: reporting still takes Basic');
  const rps = await https(gw, 'POST', '/PowerShell-LiveID', { headers: { ...auth, 'content-type': 'application/soap+xml' }, body: '<x/>' });
  t.equal(rps.status, 401, 'while Remote PowerShell no longer does');
  t.equal(rps.headers['www-authenticate'], 'Basic Realm="",Basic Realm=""');
  await gw.seed('tenants:\n  - name: tailspin\n    phase: permanent\n');
  const after = await report();
  t.equal(after.status, 401, 'permanent phase (2023): Basic is gone for reporting too');
  t.equal(after.headers['www-authenticate'], 'Basic Realm="",Basic Realm=""');
});
