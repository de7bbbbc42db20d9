// An ActiveSync conversation over real HTTPS, as a phone has it with Exchange Online: OPTIONS →
// Provision (both phases) → FolderSync → Sync (initial, then items delivered by SMTP) → the
// device's own Change and Delete → SendMail to another mailbox; then Ping, GetItemEstimate,
// Settings, a Bearer token, and the 12.x flavour (HTTP 449, message/rfc822 SendMail).
import nodemailer from 'nodemailer';
import t from 'tap';
import { readSignIns } from '../../core/signins/read.js';
import { bootGateway } from '../helpers/gateway.js';
import { token } from '../helpers/https.js';
import { ALL_VERSIONS, PROTOCOL_COMMANDS } from '../../servers/http/eas/replies.js';
import { decode, type WbxmlElement } from '../../servers/http/eas/wbxml/codec.js';
import { childText, first, ns } from '../../servers/http/eas/wbxml/tree.js';
import { at, basicAuth, EasClient, every, raw } from './client.js';
import { ALICE, BOB, EAS_CLIENT, EAS_SEED } from './seed.js';

const as = ns('AirSync');
const prov = ns('Provision');
const fh = ns('FolderHierarchy');
const base = ns('AirSyncBase');

const policyRequest = (key?: string) =>
  prov('Provision',
    ns('Settings')('DeviceInformation', ns('Settings')('Set', ns('Settings')('Model', 'Pixel 9'), ns('Settings')('OS', 'Android 15'), ns('Settings')('UserAgent', 'exogate-eas-test/1.0'))),
    prov('Policies', prov('Policy', prov('PolicyType', 'MS-EAS-Provisioning-WBXML'), key !== undefined && prov('PolicyKey', key), key !== undefined && prov('Status', 1))));

const syncRequest = (key: string, id: string, extra: { window?: number; commands?: WbxmlElement[]; bodyType?: number; truncation?: number } = {}) =>
  as('Sync', as('Collections', as('Collection',
    as('SyncKey', key),
    as('CollectionId', id),
    key !== '0' && as('GetChanges'),
    extra.window !== undefined && as('WindowSize', extra.window),
    as('Options', as('FilterType', 0), base('BodyPreference', base('Type', extra.bodyType ?? 1), extra.truncation !== undefined && base('TruncationSize', extra.truncation))),
    extra.commands && as('Commands', extra.commands))));

const collection = (doc: WbxmlElement | null) => at(doc, 'Collections', 'Collection');
const adds = (doc: WbxmlElement | null) => every(at(collection(doc), 'Commands'), 'Add');
const subjectOf = (add: WbxmlElement) => childText(at(add, 'ApplicationData'), 'Subject', 'Email');

async function smtpSend(gw: Awaited<ReturnType<typeof bootGateway>>, from: { upn: string; password: string }, to: string, subject: string, textBody: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gw.ports.smtp, secure: false, requireTLS: true, tls: { ca: gw.caCert, servername: 'localhost' }, auth: { user: from.upn, pass: from.password } });
  await transport.sendMail({ from: from.upn, to, subject, text: textBody });
}

t.test('OPTIONS → Provision → FolderSync → Sync → Change/Delete → SendMail, over HTTPS with WBXML', async (t) => {
  const gw = await bootGateway(t, { seed: EAS_SEED, clock: '2026-06-01T09:00:00Z' });
  const alice = gw.core.directory.userByUpn(ALICE.upn)!;
  const bob = gw.core.directory.userByUpn(BOB.upn)!;
  const phone = new EasClient(gw, { user: ALICE.upn, authorization: basicAuth(ALICE.upn, ALICE.password), deviceId: 'androidc1234567890', deviceType: 'Android' });

  // OPTIONS: after 1 March 2026 Exchange Online offers 16.1 only (reference §5.4).
  const options = await phone.options();
  t.equal(options.status, 200);
  t.equal(options.headers['ms-asprotocolversions'], '16.1');
  t.equal(options.headers['ms-asprotocolcommands'], PROTOCOL_COMMANDS.join(','));
  t.match(options.headers['ms-server-activesync'], /^15\.\d+$/);
  t.equal(options.headers.allow, 'OPTIONS,POST');
  t.equal(options.headers.public, 'OPTIONS,POST');
  t.equal(options.headers['content-length'], '0');

  // Before provisioning, a 16.1 command gets Status 142 in its own WBXML (MS-ASPROV).
  const early = await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '0')));
  t.equal(early.status, 200);
  t.same(early.doc, fh('FolderSync', fh('Status', '142')));

  // Provision, phase one: the policy document and a temporary key.
  const phase1 = await phone.command('Provision', policyRequest());
  t.equal(phase1.status, 200);
  t.equal(childText(phase1.doc!, 'Status'), '1');
  t.equal(childText(first(phase1.doc!, 'DeviceInformation', 'Settings'), 'Status'), '1', 'DeviceInformation (Settings namespace) acknowledged');
  const policy1 = at(phase1.doc, 'Policies', 'Policy')!;
  t.equal(childText(policy1, 'PolicyType'), 'MS-EAS-Provisioning-WBXML');
  t.equal(childText(policy1, 'Status'), '1');
  const temp = childText(policy1, 'PolicyKey')!;
  t.match(temp, /^[1-9]\d*$/);
  const doc = at(policy1, 'Data', 'EASProvisionDoc');
  t.equal(childText(doc, 'DevicePasswordEnabled'), '0');
  t.equal(childText(doc, 'AllowSimpleDevicePassword'), '1');

  // The temporary key is not yet good for other commands (Status 144).
  phone.policyKey = temp;
  t.same((await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '0')))).doc, fh('FolderSync', fh('Status', '144')));
  // Acknowledging the wrong key: Policy Status 5.
  const wrong = await phone.command('Provision', policyRequest('12345'));
  t.equal(childText(at(wrong.doc, 'Policies', 'Policy'), 'Status'), '5');
  // Phase two: the final key.
  const phase2 = await phone.command('Provision', policyRequest(temp));
  const final = childText(at(phase2.doc, 'Policies', 'Policy'), 'PolicyKey')!;
  t.match(final, /^[1-9]\d*$/);
  t.not(final, temp);
  phone.policyKey = final;

  // FolderSync from 0: the whole hierarchy with Exchange's folder types.
  const fs0 = await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '0')));
  t.equal(fs0.status, 200);
  t.equal(fs0.headers['content-type'], 'application/vnd.ms-sync.wbxml');
  t.equal(childText(fs0.doc!, 'Status'), '1');
  t.equal(childText(fs0.doc!, 'SyncKey'), '1');
  const added = every(at(fs0.doc, 'Changes'), 'Add').map((a) => ({ id: childText(a, 'ServerId')!, parent: childText(a, 'ParentId'), name: childText(a, 'DisplayName'), type: childText(a, 'Type') }));
  t.equal(childText(at(fs0.doc, 'Changes'), 'Count'), String(added.length));
  const byName = new Map(added.map((a) => [a.name, a]));
  t.match(byName.get('Inbox'), { type: '2', parent: '0' });
  t.match(byName.get('Drafts'), { type: '3' });
  t.match(byName.get('Deleted Items'), { type: '4' });
  t.match(byName.get('Sent Items'), { type: '5' });
  t.match(byName.get('Outbox'), { type: '6' });
  t.match(byName.get('Junk Email'), { type: '12' });
  t.match(byName.get('Calendar'), { type: '8' });
  t.match(byName.get('Contacts'), { type: '9' });
  t.match(byName.get('Tasks'), { type: '7' });
  const inbox = byName.get('Inbox')!.id;

  // Incremental FolderSync: nothing new, then a new subfolder; a key the server never gave is Status 9.
  const fs1 = await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '1')));
  t.equal(childText(at(fs1.doc, 'Changes'), 'Count'), '0');
  await gw.core.mail.createFolder(alice.id, 'INBOX/Projects');
  const fs2 = await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '2')));
  const newFolder = at(fs2.doc, 'Changes', 'Add');
  t.equal(childText(newFolder, 'DisplayName'), 'Projects');
  t.equal(childText(newFolder, 'ParentId'), inbox);
  t.equal(childText(newFolder, 'Type'), '12');
  t.same((await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '99')))).doc, fh('FolderSync', fh('Status', '9')));

  // Sync from 0: a key and no items, as Exchange answers the initial Sync.
  await smtpSend(gw, BOB, ALICE.upn, 'First over SMTP', 'Hello Alice, this is the first message.');
  const s0 = await phone.command('Sync', syncRequest('0', inbox));
  t.equal(s0.status, 200);
  const c0 = collection(s0.doc)!;
  t.equal(childText(c0, 'Status'), '1');
  t.equal(childText(c0, 'CollectionId'), inbox);
  const k1 = childText(c0, 'SyncKey')!;
  t.match(k1, /^\{[0-9a-f-]{36}\}1$/);
  t.equal(at(c0, 'Commands'), undefined, 'no items on the initial Sync');

  // Two more messages; a window of 2 sends the newest two with MoreAvailable, then the rest.
  await smtpSend(gw, BOB, ALICE.upn, 'Second over SMTP', 'Second body.');
  await smtpSend(gw, BOB, ALICE.upn, 'Third over SMTP', 'Third body.');
  const s1 = await phone.command('Sync', syncRequest(k1, inbox, { window: 2 }));
  const c1 = collection(s1.doc)!;
  const k2 = childText(c1, 'SyncKey')!;
  t.match(k2, /\}2$/);
  t.ok(at(c1, 'MoreAvailable'), 'MoreAvailable');
  t.same(adds(s1.doc).map(subjectOf), ['Third over SMTP', 'Second over SMTP'], 'newest first');
  const third = at(adds(s1.doc)[0], 'ApplicationData')!;
  t.equal(childText(third, 'From', 'Email'), BOB.upn);
  t.equal(childText(third, 'To', 'Email'), ALICE.upn);
  t.equal(childText(third, 'Read', 'Email'), '0');
  t.equal(childText(third, 'MessageClass', 'Email'), 'IPM.Note');
  t.match(childText(third, 'DateReceived', 'Email'), /^2026-06-01T\d\d:\d\d:\d\d\.\d{3}Z$/);
  const body = at(third, 'AirSyncBase:Body')!;
  t.equal(body.ns, 'AirSyncBase');
  t.equal(childText(body, 'Type'), '1');
  t.match(childText(body, 'Data'), /^Third body\./);
  t.equal(childText(body, 'EstimatedDataSize'), String(Buffer.byteLength(childText(body, 'Data')!)));
  t.match(childText(adds(s1.doc)[0], 'ServerId'), new RegExp(`^${inbox}:\\d+$`));

  // The same request again (the phone never saw the answer): the same items again.
  const retry = await phone.command('Sync', syncRequest(k1, inbox, { window: 2 }));
  t.same(adds(retry.doc).map(subjectOf), ['Third over SMTP', 'Second over SMTP'], 'a retried key is answered again');
  t.equal(childText(collection(retry.doc), 'SyncKey'), k2);

  // The rest, as HTML with a truncation: Truncated and the full size.
  const s2 = await phone.command('Sync', syncRequest(k2, inbox, { bodyType: 2, truncation: 10 }));
  const c2 = collection(s2.doc)!;
  t.equal(at(c2, 'MoreAvailable'), undefined);
  t.same(adds(s2.doc).map(subjectOf), ['First over SMTP']);
  const firstBody = at(adds(s2.doc)[0], 'ApplicationData', 'AirSyncBase:Body')!;
  t.equal(childText(firstBody, 'Type'), '2');
  t.equal(childText(firstBody, 'Truncated'), '1');
  t.equal(Buffer.byteLength(childText(firstBody, 'Data')!), 10);
  t.ok(Number(childText(firstBody, 'EstimatedDataSize')) > 10);
  const k3 = childText(c2, 'SyncKey')!;
  const ids = new Map([...adds(s1.doc), ...adds(s2.doc)].map((a) => [subjectOf(a)!, childText(a, 'ServerId')!]));

  // Incremental: a new message is an Add; a read flag set elsewhere (IMAP, OWA) is a Change.
  const inboxFolder = (await gw.core.mail.folder(alice.id, 'INBOX'))!;
  const uidOf = (serverId: string) => Number(serverId.split(':').pop());
  await gw.core.mail.setFlags(inboxFolder.id, [uidOf(ids.get('First over SMTP')!)], 'add', ['\\Seen']);
  await smtpSend(gw, BOB, ALICE.upn, 'Fourth over SMTP', 'Fourth body, sent as MIME.');
  const s3 = await phone.command('Sync', syncRequest(k3, inbox, { bodyType: 4 }));
  const c3 = collection(s3.doc)!;
  const changes = every(at(c3, 'Commands'), 'Change');
  t.same(changes.map((c) => childText(c, 'ServerId')), [ids.get('First over SMTP')]);
  t.equal(childText(at(changes[0], 'ApplicationData'), 'Read', 'Email'), '1');
  t.same(adds(s3.doc).map(subjectOf), ['Fourth over SMTP']);
  const mime = childText(at(adds(s3.doc)[0], 'ApplicationData', 'AirSyncBase:Body'), 'Data')!;
  t.match(mime, /^[\s\S]*Subject: Fourth over SMTP\r\n[\s\S]*Fourth body, sent as MIME\./, 'Type 4 is the whole message');
  const k4 = childText(c3, 'SyncKey')!;

  // The phone marks one read and deletes another: the store follows, nothing is echoed back.
  const secondId = ids.get('Second over SMTP')!;
  const thirdId = ids.get('Third over SMTP')!;
  const s4 = await phone.command('Sync', syncRequest(k4, inbox, {
    commands: [as('Change', as('ServerId', secondId), as('ApplicationData', ns('Email')('Read', 1))), as('Delete', as('ServerId', thirdId)), as('Delete', as('ServerId', `${inbox}:9999`))],
  }));
  const c4 = collection(s4.doc)!;
  t.equal(childText(c4, 'Status'), '1');
  t.equal(at(c4, 'Commands'), undefined, "the device's own changes are not sent back");
  t.same(every(at(c4, 'Responses'), 'Delete').map((d) => [childText(d, 'ServerId'), childText(d, 'Status')]), [[`${inbox}:9999`, '8']], 'only the failed delete is answered');
  const inboxNow = await gw.core.mail.messages(alice.id, 'INBOX');
  t.ok(inboxNow.find((m) => m.uid === uidOf(secondId))?.flags.includes('\\Seen'), 'read in the store');
  t.notOk(inboxNow.find((m) => m.uid === uidOf(thirdId)), 'gone from the Inbox');
  t.ok((await gw.core.mail.messages(alice.id, 'Deleted Items')).some((m) => m.body.toString().includes('Subject: Third over SMTP')), 'moved to Deleted Items (DeletesAsMoves)');
  const k5 = childText(c4, 'SyncKey')!;

  // A stale key: Status 3, and the client starts over.
  t.equal(childText(collection((await phone.command('Sync', syncRequest(k1, inbox))).doc), 'Status'), '3');

  // SendMail (16.1): ComposeMail with the MIME as opaque data; Bcc reaches Carol and is not shown.
  const message = Buffer.from(`From: ${ALICE.upn}\r\nTo: ${BOB.upn}\r\nBcc: carol@contoso.com\r\nSubject: Sent from the phone\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSent over ActiveSync.\r\n`);
  const sent = await phone.command('SendMail', ns('ComposeMail')('SendMail', ns('ComposeMail')('ClientId', 'c-1'), ns('ComposeMail')('SaveInSentItems'), ns('ComposeMail')('Mime', Uint8Array.from(message))));
  t.equal(sent.status, 200);
  t.equal(sent.body.length, 0, 'an empty 200 on success');
  const bobs = await gw.core.mail.messages(bob.id, 'INBOX');
  const delivered = bobs.find((m) => m.body.toString().includes('Subject: Sent from the phone'));
  t.ok(delivered, "in Bob's Inbox");
  t.notMatch(delivered!.body.toString(), /^Bcc:/im, 'Bcc removed');
  t.ok((await gw.core.mail.messages(gw.core.directory.userByUpn('carol@contoso.com')!.id, 'INBOX')).length === 1, 'Carol got the Bcc copy');
  t.ok((await gw.core.mail.messages(alice.id, 'Sent Items')).some((m) => m.body.toString().includes('Subject: Sent from the phone')), "in Alice's Sent Items");

  // Without SaveInSentItems the device asked for no copy.
  const unsaved = Buffer.from(`To: ${BOB.upn}\r\nSubject: Not kept\r\n\r\nx\r\n`);
  const quiet = await phone.command('SendMail', ns('ComposeMail')('SendMail', ns('ComposeMail')('ClientId', 'c-0'), ns('ComposeMail')('Mime', Uint8Array.from(unsaved))));
  t.equal(quiet.status, 200);
  t.ok((await gw.core.mail.messages(bob.id, 'INBOX')).some((m) => m.body.toString().includes('Subject: Not kept')), 'delivered');
  t.notOk((await gw.core.mail.messages(alice.id, 'Sent Items')).some((m) => m.body.toString().includes('Subject: Not kept')), 'no Sent Items copy without SaveInSentItems');

  // Sending as Bob without rights: ComposeMail Status 130.
  const spoof = Buffer.from(`From: ${BOB.upn}\r\nTo: carol@contoso.com\r\nSubject: spoof\r\n\r\nx\r\n`);
  const refused = await phone.command('SendMail', ns('ComposeMail')('SendMail', ns('ComposeMail')('ClientId', 'c-2'), ns('ComposeMail')('Mime', spoof.toString())));
  t.same(refused.doc, ns('ComposeMail')('SendMail', ns('ComposeMail')('Status', '130')));

  // GetItemEstimate: Bob's reply is waiting for the next Sync.
  await smtpSend(gw, BOB, ALICE.upn, 'Fifth over SMTP', 'Fifth.');
  const estimate = await phone.command('GetItemEstimate', ns('GetItemEstimate')('GetItemEstimate', ns('GetItemEstimate')('Collections', ns('GetItemEstimate')('Collection', as('SyncKey', k5), ns('GetItemEstimate')('CollectionId', inbox)))));
  const response = at(estimate.doc, 'Response');
  t.equal(childText(response, 'Status'), '1');
  t.equal(childText(at(response, 'Collection'), 'Estimate'), '1');

  // Ping: a change already waiting answers at once with Status 2 and the folder.
  const pingDoc = ns('Ping')('Ping', ns('Ping')('HeartbeatInterval', 480), ns('Ping')('Folders', ns('Ping')('Folder', ns('Ping')('Id', inbox), ns('Ping')('Class', 'Email'))));
  const pinged = await phone.command('Ping', pingDoc);
  t.same(pinged.doc, ns('Ping')('Ping', ns('Ping')('Status', '2'), ns('Ping')('Folders', ns('Ping')('Folder', inbox))));
  // After syncing, Ping waits; mail delivered meanwhile ends the wait with Status 2.
  const s5 = await phone.command('Sync', syncRequest(k5, inbox));
  t.same(adds(s5.doc).map(subjectOf), ['Fifth over SMTP']);
  const waiting = phone.command('Ping', pingDoc);
  const delivery = (async () => {
    // Deliver only once the Ping is waiting: a Ping that finds changes answers at once anyway,
    // so the assertion holds whichever comes first.
    await new Promise((r) => setImmediate(r));
    await smtpSend(gw, BOB, ALICE.upn, 'Sixth over SMTP', 'Sixth.');
  })();
  const [woken] = await Promise.all([waiting, delivery]);
  t.same(woken.doc, ns('Ping')('Ping', ns('Ping')('Status', '2'), ns('Ping')('Folders', ns('Ping')('Folder', inbox))));

  // A device has one Ping at a time: a second one ends the first (Status 1), and mail wakes the second.
  const s6 = await phone.command('Sync', syncRequest(childText(collection(s5.doc), 'SyncKey')!, inbox));
  t.same(adds(s6.doc).map(subjectOf), ['Sixth over SMTP']);
  const pings = [phone.command('Ping', pingDoc), phone.command('Ping', pingDoc)];
  const ended = await Promise.race(pings.map((p, i) => p.then((r) => ({ i, r }))));
  t.same(ended.r.doc, ns('Ping')('Ping', ns('Ping')('Status', '1')), 'the superseded Ping ends quietly');
  await smtpSend(gw, BOB, ALICE.upn, 'Seventh over SMTP', 'Seventh.');
  t.same((await pings[1 - ended.i]).doc, ns('Ping')('Ping', ns('Ping')('Status', '2'), ns('Ping')('Folders', ns('Ping')('Folder', inbox))));

  // Settings: the user's address.
  const settings = await phone.command('Settings', ns('Settings')('Settings', ns('Settings')('UserInformation', ns('Settings')('Get'))));
  t.equal(childText(at(settings.doc, 'UserInformation', 'Get', 'Accounts', 'Account', 'EmailAddresses'), 'PrimarySmtpAddress'), ALICE.upn);

  // Every Basic sign-in left its record with the device id (reference §9.1).
  await gw.flush();
  const records = (await readSignIns(gw.core.store, { limit: 1000 })).filter((r) => r.userPrincipalName === ALICE.upn);
  t.ok(records.length > 0);
  t.ok(records.every((r) => r.clientAppUsed === 'Exchange ActiveSync' && r.status.errorCode === 0));
  // OPTIONS names no device; every command does.
  const withDevice = records.filter((r) => r.deviceDetail.deviceId);
  t.ok(withDevice.length >= records.length - 1, 'every command left the device id');
  t.ok(withDevice.every((r) => r.deviceDetail.deviceId === 'androidc1234567890'), 'DeviceId in deviceDetail');
});

t.test('a Bearer token with EAS.AccessAsUser.All syncs the mailbox named by User=', async (t) => {
  const gw = await bootGateway(t, { seed: EAS_SEED, clock: '2026-06-01T09:00:00Z' });
  const tok = await token(gw, 'contoso.com', { grant_type: 'password', client_id: EAS_CLIENT, username: ALICE.upn, password: ALICE.password, scope: 'https://outlook.office365.com/EAS.AccessAsUser.All' });
  const phone = new EasClient(gw, { user: ALICE.upn, authorization: `Bearer ${tok}`, deviceId: 'iphoneoauth01', deviceType: 'iPhone' });
  t.equal((await phone.options()).status, 200);
  await phone.provision(policyRequest);
  const fs = await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '0')));
  t.equal(childText(fs.doc!, 'Status'), '1');
  // Another mailbox without FullAccess: the gate's 403.
  const other = new EasClient(gw, { user: BOB.upn, authorization: `Bearer ${tok}`, deviceId: 'iphoneoauth01' });
  t.equal((await other.command('FolderSync', fh('FolderSync', fh('SyncKey', '0')))).status, 403);
});

t.test('before March 2026: every version offered; 12.1 is told to provision with HTTP 449 and sends MIME as message/rfc822', async (t) => {
  const gw = await bootGateway(t, { seed: EAS_SEED, clock: '2025-10-01T09:00:00Z' });
  const phone = new EasClient(gw, { user: ALICE.upn, authorization: basicAuth(ALICE.upn, ALICE.password), deviceId: 'legacy121', deviceType: 'WindowsMobile', version: '12.1' });
  t.equal((await phone.options()).headers['ms-asprotocolversions'], ALL_VERSIONS.join(','));
  const unprovisioned = await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '0')));
  t.equal(unprovisioned.status, 449);
  t.equal(unprovisioned.body.length, 0);
  await phone.provision((key) => prov('Provision', prov('Policies', prov('Policy', prov('PolicyType', 'MS-EAS-Provisioning-WBXML'), key !== undefined && prov('PolicyKey', key), key !== undefined && prov('Status', 1)))));
  t.equal(childText((await phone.command('FolderSync', fh('FolderSync', fh('SyncKey', '0')))).doc!, 'Status'), '1');
  const mime = `To: ${BOB.upn}\r\nSubject: From a 12.1 device\r\n\r\nLegacy send.\r\n`;
  const sent = await raw(gw, 'POST', `${phone.path('SendMail')}&SaveInSent=T`, phone.headers({ 'content-type': 'message/rfc822' }), mime);
  t.equal(sent.status, 200);
  const bob = gw.core.directory.userByUpn(BOB.upn)!;
  const got = (await gw.core.mail.messages(bob.id, 'INBOX')).find((m) => m.body.toString().includes('Subject: From a 12.1 device'));
  t.ok(got, 'delivered');
  t.match(got!.body.toString(), new RegExp(`^From: ${ALICE.upn}\\r\\n`, 'm'), 'From added for the mailbox');
  // The base64-encoded query form (MS-ASHTTP §2.2.1.1.1.1) names the same command and device.
  const b64 = Buffer.concat([Buffer.from([121, 9, 0x09, 0x04, 9]), Buffer.from('legacy121'), Buffer.from([4]), Buffer.alloc(4), Buffer.from([13]), Buffer.from('WindowsMobile')]);
  b64.writeUInt32LE(Number(phone.policyKey), 5 + 9 + 1);
  const viaB64 = await raw(gw, 'POST', `/Microsoft-Server-ActiveSync?${b64.toString('base64')}`, { authorization: basicAuth(ALICE.upn, ALICE.password), 'content-type': 'application/vnd.ms-sync.wbxml' }, Buffer.from([3, 1, 0x6a, 0, 0, 7, 0x56, 0x52, 3, 0x30, 0, 1, 1]));
  t.equal(viaB64.status, 200);
  t.equal(childText(decode(viaB64.body), 'Status'), '1');
});
