// The auth matrix (Basic allowed / blocked by Microsoft / blocked by policy / bad
// password / locked out / Bearer valid / expired / wrong audience / missing scope) for
// Autodiscover POX, MAPI/HTTP, RPC/HTTP, the OAB, Remote PowerShell and Reporting Web Services,
// each probe with a check of what a signed-in client gets.
import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { runAuthMatrix } from '../helpers/http-matrix.js';
import { NS } from '../../servers/http/autodiscover/replies.js';
import { connectBody } from './mapi-body.js';
import { CREATE, SOAP_HEADERS, wsmanEnvelope } from './wsman.js';

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, removeNSPrefix: true }).parse(xml);

t.test('Autodiscover POX', (t) =>
  runAuthMatrix(t, {
    protocol: 'autodiscover',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${NS.outlookRequest}"><Request><EMailAddress>alice@contoso.com</EMailAddress><AcceptableResponseSchema>${NS.outlookResponse}</AcceptableResponseSchema></Request></Autodiscover>`,
    expectOk(t, res) {
      t.equal(res.status, 200);
      t.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
      t.equal(parse(res.text).Autodiscover.Response.User.AutoDiscoverSMTPAddress, 'alice@contoso.com');
    },
  }),
);

t.test('MAPI/HTTP', (t) =>
  runAuthMatrix(t, {
    protocol: 'mapi',
    method: 'POST',
    path: '/mapi/emsmdb/',
    headers: {
      'content-type': 'application/mapi-http',
      'x-requesttype': 'Connect',
      'x-requestid': '{3146D993-9082-4D57-99ED-9E7D5EA4FA56}:8',
      'x-clientinfo': '{B0DD130A-CDBF-4CFA-8041-3D73B4318010}:59',
    },
    body: connectBody('/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice'),
    expectOk(t, res) {
      t.equal(res.status, 200);
      t.equal(res.headers['content-type'], 'application/mapi-http');
      t.equal(res.headers['x-responsecode'], '0');
      t.equal(res.headers['x-requesttype'], 'Connect');
      t.match(res.text, /^PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: \d+\r\nX-StartTime: [^\r]+ GMT\r\n\r\n/);
    },
  }),
);

t.test('RPC/HTTP', (t) =>
  runAuthMatrix(t, {
    protocol: 'rpc',
    method: 'POST',
    path: '/rpc/rpcproxy.dll?outlook.office365.com:6001',
    headers: { 'content-type': 'application/rpc' },
    body: '',
    expectOk(t, res) {
      t.equal(res.status, 200);
      t.equal(res.headers['content-type'], 'application/rpc');
      t.equal(res.text, '');
    },
  }),
);

t.test('Offline Address Book', (t) =>
  runAuthMatrix(t, {
    protocol: 'oab',
    method: 'GET',
    // The OAB's id is the tenant's: the matrix's gateway hands it to the path.
    path: (_upn, gw) => `/OAB/${gw.core.directory.tenant('contoso')!.id}/oab.xml`,
    expectOk(t, res) {
      t.equal(res.status, 200, 'past the gate: the manifest');
      t.equal(res.headers['content-type'], 'text/xml');
      t.match(res.text, /<OAB>/);
    },
  }),
);

t.test('Remote PowerShell', (t) =>
  runAuthMatrix(t, {
    protocol: 'powershell',
    method: 'POST',
    path: '/PowerShell-LiveID?PSVersion=5.1',
    headers: SOAP_HEADERS,
    body: wsmanEnvelope(CREATE),
    expectOk(t, res) {
      t.equal(res.status, 200);
      t.equal(parse(res.text).Envelope.Header.Action, 'http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse');
      t.match(parse(res.text).Envelope.Body.Shell.ShellId, /^[0-9A-F-]{36}$/);
    },
  }),
);

t.test('Reporting Web Services', (t) =>
  runAuthMatrix(t, {
    protocol: 'reporting',
    method: 'GET',
    path: "/ecp/reportingwebservice/reporting.svc/MailboxUsageDetail?$format=json&$filter=WindowsLiveID%20eq%20'alice@contoso.com'",
    expectOk(t, res) {
      t.equal(res.status, 200);
      t.equal(res.headers['content-type'], 'application/json;charset=utf-8');
      const rows = res.json<{ d: { results: { WindowsLiveID: string }[] } }>().d.results;
      t.same(
        rows.map((r) => r.WindowsLiveID),
        ['alice@contoso.com'],
      );
    },
  }),
);
