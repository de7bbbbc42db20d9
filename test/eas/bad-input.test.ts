// Bad input on /Microsoft-Server-ActiveSync: every case gets ActiveSync's HTTP error (never a
// crash or a stack trace), and the server goes on serving.
import t from 'tap';
import type { Test } from 'tap';
import { bootGateway } from '../helpers/gateway.js';
import { HTTP_ERRORS } from '../../servers/http/eas/replies.js';
import { encode } from '../../servers/http/eas/wbxml/codec.js';
import { childText, el } from '../../servers/http/eas/wbxml/tree.js';
import { at, basicAuth, EasClient, raw, type RawResponse } from './client.js';
import { ALICE, DAVE, EAS_SEED } from './seed.js';

const folderSync0 = encode(el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'SyncKey', '0')));
const noStack = (t: Test, res: RawResponse) => t.notMatch(res.body.toString(), /\bat .+\.(js|ts):\d+|Error:/, 'no stack trace');

t.test('malformed requests get the HTTP errors of the reply table', async (t) => {
  const gw = await bootGateway(t, { seed: EAS_SEED, clock: '2026-06-01T09:00:00Z', limits: { httpMaxBodyBytes: 4096 } });
  const auth = basicAuth(ALICE.upn, ALICE.password);
  const post = (query: string, body?: Buffer | string, headers: Record<string, string> = {}) =>
    raw(gw, 'POST', `/Microsoft-Server-ActiveSync?${query}`, { authorization: auth, 'ms-asprotocolversion': '16.1', 'content-type': 'application/vnd.ms-sync.wbxml', ...headers }, body);
  const expect = (tt: Test, res: RawResponse, error: { status: number; body: string | null }, what: string) => {
    tt.equal(res.status, error.status, what);
    if (error.body === null) tt.equal(res.body.length, 0, `${what}: empty body`);
    else tt.equal(res.body.toString(), error.body, `${what}: body from the table`);
    noStack(tt, res);
  };

  const cases: [string, () => Promise<RawResponse>, { status: number; body: string | null }][] = [
    ['no DeviceId', () => post('Cmd=FolderSync&User=alice@contoso.com&DeviceType=Android', folderSync0), HTTP_ERRORS.deviceIdMissing],
    ['a DeviceId with forbidden characters', () => post('Cmd=FolderSync&DeviceId=%3Cscript%3E&DeviceType=Android', folderSync0), HTTP_ERRORS.deviceIdMissing],
    ['no DeviceType', () => post('Cmd=FolderSync&DeviceId=dev1', folderSync0), HTTP_ERRORS.deviceTypeMissing],
    ['no Cmd', () => post('DeviceId=dev1&DeviceType=Android', folderSync0), HTTP_ERRORS.commandMissing],
    ['an unknown Cmd', () => post('Cmd=Launch&DeviceId=dev1&DeviceType=Android', folderSync0), HTTP_ERRORS.notImplemented],
    ['a listed but unbuilt Cmd (Search)', () => post('Cmd=Search&DeviceId=dev1&DeviceType=Android', folderSync0), HTTP_ERRORS.notImplemented],
    ['a version not offered after March 2026 (14.1)', () => post('Cmd=FolderSync&DeviceId=dev1&DeviceType=Android', folderSync0, { 'ms-asprotocolversion': '14.1' }), HTTP_ERRORS.versionNotOffered],
    ['a garbage version', () => post('Cmd=FolderSync&DeviceId=dev1&DeviceType=Android', folderSync0, { 'ms-asprotocolversion': 'banana' }), HTTP_ERRORS.versionNotOffered],
    ['Content-Type text/xml', () => post('Cmd=FolderSync&DeviceId=dev1&DeviceType=Android', '<FolderSync/>', { 'content-type': 'text/xml' }), HTTP_ERRORS.wrongContentType],
    ['message/rfc822 on a command other than SendMail', () => post('Cmd=Sync&DeviceId=dev1&DeviceType=Android', 'Subject: x\r\n\r\n', { 'content-type': 'message/rfc822' }), HTTP_ERRORS.wrongContentType],
    ['bytes that are not WBXML', () => post('Cmd=FolderSync&DeviceId=dev1&DeviceType=Android', Buffer.from('<?xml version="1.0"?><FolderSync/>')), HTTP_ERRORS.malformedBody],
    ['truncated WBXML', () => post('Cmd=FolderSync&DeviceId=dev1&DeviceType=Android', folderSync0.subarray(0, folderSync0.length - 2)), HTTP_ERRORS.malformedBody],
    ['WBXML nested 1,000 deep', () => post('Cmd=Sync&DeviceId=dev1&DeviceType=Android', Buffer.from([3, 1, 0x6a, 0, ...new Array(1000).fill(0x5c)])), HTTP_ERRORS.malformedBody],
    ['WBXML with an oversized mb_u_int32', () => post('Cmd=Sync&DeviceId=dev1&DeviceType=Android', Buffer.from([3, 1, 0x6a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), HTTP_ERRORS.malformedBody],
    ['a body over httpMaxBodyBytes', () => post('Cmd=Sync&DeviceId=dev1&DeviceType=Android', Buffer.alloc(5000, 0x41)), HTTP_ERRORS.tooLarge],
    ['a GET from a browser', () => raw(gw, 'GET', '/Microsoft-Server-ActiveSync', { authorization: auth }), HTTP_ERRORS.deviceIdMissing],
    ['a GET with a DeviceId', () => raw(gw, 'GET', '/Microsoft-Server-ActiveSync?DeviceId=dev1', { authorization: auth }), HTTP_ERRORS.notImplemented],
    ['a base64 query that does not parse', () => raw(gw, 'POST', '/Microsoft-Server-ActiveSync?AAAA', { authorization: auth, 'content-type': 'application/vnd.ms-sync.wbxml' }, folderSync0), HTTP_ERRORS.deviceIdMissing],
  ];
  for (const [what, send, error] of cases) await t.test(what, async (tt) => expect(tt, await send(), error, what));

  // Well-formed WBXML that is not the command's document: the command's own protocol error.
  const phone = new EasClient(gw, { user: ALICE.upn, authorization: auth, deviceId: 'dev2' });
  await phone.provision((key) => el('Provision', 'Provision', el('Provision', 'Policies', el('Provision', 'Policy', el('Provision', 'PolicyType', 'MS-EAS-Provisioning-WBXML'), key !== undefined && el('Provision', 'PolicyKey', key)))));
  const wrongDoc = await phone.command('FolderSync', el('AirSync', 'Sync'));
  t.same(wrongDoc.doc, el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'Status', '10')));
  const emptySync = await phone.command('Sync', null);
  t.same(emptySync.doc, el('AirSync', 'Sync', el('AirSync', 'Status', '13')), 'an empty Sync with nothing cached');
  const unknownCollection = await phone.command('Sync', el('AirSync', 'Sync', el('AirSync', 'Collections', el('AirSync', 'Collection', el('AirSync', 'SyncKey', '0'), el('AirSync', 'CollectionId', 'nope')))));
  t.equal(childText(at(unknownCollection.doc, 'Collections', 'Collection'), 'Status'), '8', 'an unknown collection: Status 8');
  const badPolicyType = await phone.command('Provision', el('Provision', 'Provision', el('Provision', 'Policies', el('Provision', 'Policy', el('Provision', 'PolicyType', 'MS-WAP-Provisioning-XML')))));
  t.equal(childText(at(badPolicyType.doc, 'Policies', 'Policy'), 'Status'), '3', 'an unknown policy type: Policy Status 3');

  // Still serving: OPTIONS and a provisioned FolderSync work after all of the above.
  t.equal((await phone.options()).status, 200);
  t.equal((await phone.command('FolderSync', el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'SyncKey', '0')))).status, 200);
});

t.test('ActiveSyncEnabled $false: the gate answers 403 after a successful sign-in', async (t) => {
  const gw = await bootGateway(t, { seed: EAS_SEED, clock: '2026-06-01T09:00:00Z' });
  const res = await raw(gw, 'OPTIONS', '/Microsoft-Server-ActiveSync', { authorization: basicAuth(DAVE.upn, DAVE.password) });
  t.equal(res.status, 403);
  noStack(t, res);
});
