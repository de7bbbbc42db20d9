// Outlook's endpoints once signed in: MAPI/HTTP framing and headers (MS-OXCMAPIHTTP), the
// X-ResponseCode of each transport error, RPC/HTTP's empty answer, and the OAB manifest.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import t from 'tap';
import { bootGateway } from '../helpers/gateway.js';
import { https, type Response } from '../helpers/https.js';
import { EC_NOT_SUPPORTED, RESPONSE_CODES } from '../../servers/http/outlook/replies.js';
import { LEGACY_DN_ORG as DN_PREFIX } from '../../servers/http/urls.js';
import { bindBody, connectBody } from './mapi-body.js';
import { ALICE, basic, BOB, delegatedToken, ENDPOINTS_SEED } from './seed.js';

/** Splits a MAPI/HTTP success body into its meta-tags, final headers and binary payload. */
function frame(raw: Buffer): { tags: string[]; headers: Record<string, string>; payload: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const tags = head.filter((l) => !l.includes(':'));
  const headers = Object.fromEntries(head.filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
  return { tags, headers, payload: raw.subarray(end + 4) };
}

/** https() decodes bodies as UTF-8; MAPI bodies are binary, so fetch them raw. */
async function mapi(gw: Awaited<ReturnType<typeof bootGateway>>, path: string, type: string, body: Buffer, headers: Record<string, string>): Promise<{ res: Response; raw: Buffer }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: gw.host,
        port: gw.ports.https,
        method: 'POST',
        path,
        ca: gw.caCert,
        servername: 'localhost',
        agent: false,
        headers: { 'content-type': 'application/mapi-http', 'x-requesttype': type, 'x-requestid': '{3146D993-9082-4D57-99ED-9E7D5EA4FA56}:8', 'x-clientinfo': '{B0DD130A-CDBF-4CFA-8041-3D73B4318010}:59', 'content-length': String(body.length), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ res: { status: res.statusCode ?? 0, headers: res.headers, text: raw.toString('latin1'), json: () => JSON.parse(raw.toString()) }, raw });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

t.test('MAPI/HTTP', async (t) => {
  const gw = await bootGateway(t, { seed: ENDPOINTS_SEED });
  const alice = gw.core.directory.userByUpn(ALICE.upn)!;
  const host = `127.0.0.1:${gw.ports.https}`;
  const auth = { authorization: basic(ALICE.upn, ALICE.password), host };
  const emsmdb = `/mapi/emsmdb/?MailboxId=${alice.id}@contoso.com`;

  t.test('Connect: framing, headers, cookies and the Connect success body', async (t) => {
    const { res, raw } = await mapi(gw, emsmdb, 'Connect', connectBody(`${DN_PREFIX}/cn=Recipients/cn=x-alice`), auth);
    t.equal(res.status, 200);
    t.equal(res.headers['content-type'], 'application/mapi-http');
    t.equal(res.headers['x-requesttype'], 'Connect');
    t.equal(res.headers['x-requestid'], '{3146D993-9082-4D57-99ED-9E7D5EA4FA56}:8', 'X-RequestId echoed');
    t.equal(res.headers['x-clientinfo'], '{B0DD130A-CDBF-4CFA-8041-3D73B4318010}:59', 'X-ClientInfo echoed');
    t.equal(res.headers['x-responsecode'], '0');
    t.equal(res.headers['x-pendingperiod'], '15000');
    t.match(res.headers['x-expirationinfo'], /^\d+$/);
    t.match(res.headers['x-serverapplication'], /^Exchange\/15\.20\./);
    const cookies = res.headers['set-cookie'] as string[];
    t.match(cookies.find((c) => c.startsWith('MapiContext=')), /^MapiContext=[0-9a-f-]{36}; path=\/mapi\/emsmdb\/; secure; HttpOnly$/);
    t.ok(cookies.some((c) => c.startsWith('MapiSequence=')), 'MapiSequence cookie');

    const { tags, headers, payload } = frame(raw);
    t.same(tags, ['PROCESSING', 'DONE'], 'PROCESSING then DONE meta-tags');
    t.equal(headers['X-ResponseCode'], '0');
    t.match(headers['X-ElapsedTime'], /^\d+$/);
    t.match(headers['X-StartTime'], /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
    t.equal(payload.readUInt32LE(0), 0, 'StatusCode');
    t.equal(payload.readUInt32LE(4), 0, 'ErrorCode');
    t.equal(payload.readUInt32LE(8), 60000, 'MaxPollingInterval');
    t.equal(payload.readUInt32LE(12), 6, 'MaxRetryCount');
    t.equal(payload.readUInt32LE(16), 10000, 'RetryDelay');
    const dnEnd = payload.indexOf(0, 20);
    t.equal(payload.toString('latin1', 20, dnEnd), DN_PREFIX, 'DnPrefix');
    const nameStart = dnEnd + 1;
    const nameEnd = nameStart + 'Alice Wilber'.length * 2;
    t.equal(payload.toString('utf16le', nameStart, nameEnd), 'Alice Wilber', 'DisplayName (UTF-16LE)');
    t.equal(payload.readUInt16LE(nameEnd), 0, 'DisplayName terminator');
    t.equal(payload.readUInt32LE(nameEnd + 2), 0, 'AuxiliaryBufferSize');
    t.equal(payload.length, nameEnd + 6, 'nothing after the auxiliary buffer');
  });

  t.test('a session: Execute is well formed but not carried out; Disconnect ends it', async (t) => {
    const connect = await mapi(gw, emsmdb, 'Connect', connectBody('/o=x'), auth);
    const context = (connect.res.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
    const execute = await mapi(gw, emsmdb, 'Execute', Buffer.alloc(12), { ...auth, cookie: context });
    t.equal(execute.res.headers['x-responsecode'], '0');
    const { payload } = frame(execute.raw);
    t.equal(payload.readUInt32LE(0), EC_NOT_SUPPORTED, 'StatusCode ecNotSupported');
    t.equal(payload.readUInt32LE(4), 0, 'empty auxiliary buffer');
    const wait = await mapi(gw, emsmdb, 'NotificationWait', Buffer.alloc(8), { ...auth, cookie: context });
    t.same([...frame(wait.raw).payload], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'no event pending');
    const bye = await mapi(gw, emsmdb, 'Disconnect', Buffer.alloc(4), { ...auth, cookie: context });
    t.equal(bye.res.headers['x-responsecode'], '0');
    t.match((bye.res.headers['set-cookie'] as string[])[0], /^MapiContext=; expires=Thu, 01-Jan-1970/);
    const ping = await mapi(gw, emsmdb, 'PING', Buffer.alloc(0), auth);
    t.equal(frame(ping.raw).payload.length, 0, 'PING: meta-tags only');
  });

  t.test('NSPI: Bind, GetMailboxUrl, and the rest not supported', async (t) => {
    const bind = await mapi(gw, '/mapi/nspi/?MailboxId=' + `${alice.id}@contoso.com`, 'Bind', bindBody(), auth);
    t.equal(bind.res.headers['x-responsecode'], '0');
    const payload = frame(bind.raw).payload;
    t.equal(payload.length, 4 + 4 + 16 + 4, 'StatusCode, ErrorCode, ServerGuid, AuxiliaryBufferSize');
    t.equal(payload.readUInt32LE(0), 0);
    const cookie = (bind.res.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
    t.match((bind.res.headers['set-cookie'] as string[])[0], /path=\/mapi\/nspi\//);
    const url = await mapi(gw, '/mapi/nspi/', 'GetMailboxUrl', Buffer.alloc(10), { ...auth, cookie });
    const body = frame(url.raw).payload;
    const text = body.toString('utf16le', 8, body.length - 6);
    t.equal(text, `https://${host}/mapi/emsmdb/?MailboxId=${alice.id}%40contoso.com`);
    const rows = await mapi(gw, '/mapi/nspi/', 'QueryRows', Buffer.alloc(10), { ...auth, cookie });
    t.equal(rows.res.headers['x-responsecode'], '0');
    t.equal(frame(rows.raw).payload.readUInt32LE(0), EC_NOT_SUPPORTED);
  });

  t.test('transport errors are X-ResponseCode values, never a crash', async (t) => {
    const code = async (path: string, type: string, body: Buffer, headers: Record<string, string>) => (await mapi(gw, path, type, body, headers)).res;
    const unknown = await code(emsmdb, 'Frobnicate', Buffer.alloc(0), auth);
    t.equal(unknown.status, 200);
    t.equal(unknown.headers['x-responsecode'], String(RESPONSE_CODES.invalidRequestType.code), 'unknown request type: 5');
    t.equal((await code(emsmdb, 'Bind', bindBody(), auth)).headers['x-responsecode'], '5', 'an NSPI type on emsmdb: 5');
    t.equal((await code(emsmdb, 'Connect', connectBody('/o=x'), { ...auth, 'content-type': 'text/plain' })).headers['x-responsecode'], '4', 'wrong Content-Type: 4');
    t.equal((await code(emsmdb, 'Connect', connectBody('/o=x'), { ...auth, 'x-clientinfo': '' })).headers['x-responsecode'], '7', 'X-ClientInfo missing: 7');
    t.equal((await code(emsmdb, 'Execute', Buffer.alloc(12), auth)).headers['x-responsecode'], '13', 'Execute without a session cookie: 13');
    t.equal((await code(emsmdb, 'Connect', Buffer.from('no terminator'), auth)).headers['x-responsecode'], '12', 'a Connect body that does not parse: 12');
    const trailing = Buffer.concat([connectBody('/o=x'), Buffer.from([1, 2, 3])]);
    t.equal((await code(emsmdb, 'Connect', trailing, auth)).headers['x-responsecode'], '12', 'trailing bytes: 12');
    const huge = Buffer.alloc(gw.core.limits.httpMaxSmallBodyBytes + 1);
    const tooLarge = await code(emsmdb, 'Connect', huge, auth);
    t.equal(tooLarge.headers['x-responsecode'], String(RESPONSE_CODES.tooLarge.code), 'over the limit: 9');
    t.notMatch(tooLarge.text, /\bat .+\.js:\d+/);
    const put = await https(gw, 'PUT', emsmdb, { headers: { ...auth, 'x-requesttype': 'Connect' } });
    t.equal(put.headers['x-responsecode'], '2', 'PUT: invalid verb');
  });

  t.test('a signed-in GET shows the connectivity page; a token signs in as well', async (t) => {
    const res = await https(gw, 'GET', '/mapi/emsmdb/', { headers: auth });
    t.equal(res.status, 200);
    t.match(res.text, /^<html><head><title>Exchange MAPI\/HTTP Connectivity Endpoint<\/title>/);
    t.match(res.text, /<b>UPN:<\/b> alice@contoso\.com<br>/);
    const tok = await delegatedToken(gw, BOB);
    const { res: connect } = await mapi(gw, '/mapi/emsmdb/', 'Connect', connectBody('/o=x'), { authorization: `Bearer ${tok}` });
    t.equal(connect.headers['x-responsecode'], '0');
  });

  t.test("a token naming another user's mailbox (MailboxId) is refused with 403", async (t) => {
    const tok = await delegatedToken(gw, BOB);
    const { res } = await mapi(gw, emsmdb, 'Connect', connectBody('/o=x'), { authorization: `Bearer ${tok}` });
    t.equal(res.status, 403);
  });

  t.test('the 401 echoes the client headers and carries the MapiRouting cookie (§5.1)', async (t) => {
    const { res } = await mapi(gw, emsmdb, 'Bind', bindBody(), {});
    t.equal(res.status, 401);
    t.equal(res.headers['x-requesttype'], 'Bind');
    t.equal(res.headers['x-requestid'], '{3146D993-9082-4D57-99ED-9E7D5EA4FA56}:8');
    t.equal(res.headers['x-clientinfo'], '{B0DD130A-CDBF-4CFA-8041-3D73B4318010}:59');
    t.match((res.headers['set-cookie'] as string[])[0], /^MapiRouting=.*; path=\/mapi\/; secure; HttpOnly$/);
  });
});

t.test('RPC/HTTP and the OAB', async (t) => {
  const gw = await bootGateway(t, { seed: ENDPOINTS_SEED });
  const tenant = gw.core.directory.tenant('contoso')!;
  const auth = { authorization: basic(ALICE.upn, ALICE.password) };

  t.test('RPC/HTTP: a signed-in request gets an empty application/rpc answer', async (t) => {
    const alice = gw.core.directory.userByUpn(ALICE.upn)!;
    for (const method of ['GET', 'POST']) {
      const res = await https(gw, method, `/rpc/rpcproxy.dll?${alice.id}@contoso.com:6001`, { headers: auth, body: method === 'POST' ? 'x' : undefined });
      t.equal(res.status, 200, method);
      t.equal(res.headers['content-type'], 'application/rpc');
      t.equal(res.text, '');
    }
    const refused = await https(gw, 'GET', '/rpc/rpcproxy.dll?outlook.office365.com:6001');
    t.equal(refused.status, 401, 'without credentials');
  });

  t.test('OAB: the manifest of the tenant address list, nothing else', async (t) => {
    const res = await https(gw, 'GET', `/OAB/${tenant.id}/oab.xml`, { headers: auth });
    t.equal(res.status, 200);
    t.equal(res.headers['content-type'], 'text/xml');
    t.equal(XMLValidator.validate(res.text), true, 'well-formed XML');
    const doc = new XMLParser({ ignoreAttributes: false }).parse(res.text);
    t.equal(doc.OAB.OAL['@_id'], tenant.id);
    t.equal(doc.OAB.OAL['@_name'], '\\Global Address List');
    t.equal(doc.OAB.OAL['@_dn'], '/o=ExchangeLabs/cn=addrlists/cn=oabs/cn=Default Offline Address Book');
    t.equal(doc.OAB.OAL.Full, undefined, 'no full-details file is listed');
    const upper = await https(gw, 'GET', `/oab/${tenant.id.toUpperCase()}/OAB.XML`, { headers: auth });
    t.equal(upper.status, 200, 'paths in any case, as IIS');
    for (const path of [`/OAB/${tenant.id}/data.lzx`, '/OAB/00000000-0000-0000-0000-000000000000/oab.xml', '/OAB/', `/OAB/${gw.core.directory.tenant('fabrikam')!.id}/oab.xml`]) {
      t.equal((await https(gw, 'GET', path, { headers: auth })).status, 404, path);
    }
    t.equal((await https(gw, 'POST', `/OAB/${tenant.id}/oab.xml`, { headers: auth, body: 'x' })).status, 405);
    t.equal((await https(gw, 'GET', `/OAB/${tenant.id}/oab.xml`)).status, 401, 'without credentials');
  });
});
