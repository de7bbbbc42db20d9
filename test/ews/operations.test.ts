// Each EWS operation over raw SOAP: exact response classes and codes, ids that round-trip,
// paging, restrictions, the read flag, moves and deletes, MIME content, and sending through the
// shared submission path (delivery, Sent Items, capture of outside mail, send-as).
import t, { type Test } from 'tap';
import type { Gateway } from '../../index.js';
import { bootGateway } from '../helpers/gateway.js';
import { all, codes, envelope, EWS_SEED, ews, ewsUserToken, faultCode, first, rfc822, soap, textOf, type Node } from './helpers.js';

const folderShape = (base = 'Default') => `<m:FolderShape><t:BaseShape>${base}</t:BaseShape></m:FolderShape>`;
const itemShape = (base = 'Default', extra = '') => `<m:ItemShape><t:BaseShape>${base}</t:BaseShape>${extra}</m:ItemShape>`;
const dfid = (id: string) => `<t:DistinguishedFolderId Id="${id}"/>`;
const itemIds = (...ids: string[]) => `<m:ItemIds>${ids.map((id) => `<t:ItemId Id="${id}"/>`).join('')}</m:ItemIds>`;
const findItem = (folder: string, shape = itemShape('IdOnly'), extra = '') =>
  envelope(`<m:FindItem Traversal="Shallow">${shape}${extra}<m:ParentFolderIds>${dfid(folder)}</m:ParentFolderIds></m:FindItem>`);
const idsOf = (node: unknown) => all(node, 'ItemId').map((i) => i['@Id']);

async function setup(t: Test): Promise<{ gw: Gateway; auth: string; tom: string; una: string }> {
  const gw = await bootGateway(t, { seed: EWS_SEED });
  const tom = gw.core.directory.userByUpn('tom@tailspin.com')!.id;
  const una = gw.core.directory.userByUpn('una@tailspin.com')!.id;
  const auth = `Bearer ${await ewsUserToken(gw, 'tom@tailspin.com', 'Tom-Passw0rd!')}`;
  return { gw, auth, tom, una };
}

t.test('folders: GetFolder, FindFolder (Shallow, Deep, paged) and folder ids', async (t) => {
  const { gw, auth, tom } = await setup(t);
  await gw.core.mail.deliver(tom, Buffer.from(rfc822('una@tailspin.com', 'tom@tailspin.com', 'One', 'first')));
  await gw.core.mail.deliver(tom, Buffer.from(rfc822('una@tailspin.com', 'tom@tailspin.com', 'Two', 'second')), { flags: ['\\Seen'] });
  await gw.core.mail.createFolder(tom, 'INBOX/Projects');

  const res = await ews(gw, auth, envelope(`<m:GetFolder>${folderShape('AllProperties')}<m:FolderIds>${dfid('inbox')}${dfid('sentitems')}${dfid('calendar')}</m:FolderIds></m:GetFolder>`));
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^text\/xml; charset=utf-8/);
  t.same(codes(res), ['Success:NoError', 'Success:NoError', 'Error:ErrorFolderNotFound'], 'a valid distinguished id the store lacks is ErrorFolderNotFound');
  const inbox = all(soap(res), 'Folder')[0];
  t.equal(textOf(inbox, 'DisplayName'), 'Inbox');
  t.equal(textOf(inbox, 'TotalCount'), '2');
  t.equal(textOf(inbox, 'UnreadCount'), '1');
  t.equal(textOf(inbox, 'ChildFolderCount'), '1');
  t.equal(textOf(inbox, 'FolderClass'), 'IPF.Note');
  t.equal(textOf(first(soap(res), 'GetFolderResponseMessage'), 'MessageText'), undefined, 'no MessageText on success');
  t.equal(textOf(all(soap(res), 'GetFolderResponseMessage')[2], 'MessageText'), 'The specified folder could not be found in the store.');
  const header = first(soap(res), 'ServerVersionInfo')!;
  t.same([header['@MajorVersion'], header['@MinorVersion'], header['@Version']], ['15', '20', 'V2018_01_08'], 'ServerVersionInfo');

  const inboxId = first(inbox, 'FolderId')!['@Id'];
  t.match(inboxId, /^AAMkA/, 'ids look like Exchange store ids');
  const byId = await ews(gw, auth, envelope(`<m:GetFolder>${folderShape('IdOnly')}<m:FolderIds><t:FolderId Id="${inboxId}"/><t:FolderId Id="bm90IGFuIGlk"/></m:FolderIds></m:GetFolder>`));
  t.same(codes(byId), ['Success:NoError', 'Error:ErrorInvalidIdMalformed'], 'a FolderId round-trips; a foreign one is malformed');
  t.equal(first(soap(byId), 'FolderId')!['@Id'], inboxId);
  t.equal(textOf(soap(byId), 'DisplayName'), undefined, 'IdOnly carries the id alone');

  const top = await ews(gw, auth, envelope(`<m:FindFolder Traversal="Shallow">${folderShape()}<m:ParentFolderIds>${dfid('msgfolderroot')}</m:ParentFolderIds></m:FindFolder>`));
  t.same(codes(top), ['Success:NoError']);
  const names = all(soap(top), 'DisplayName').map(String);
  t.same(names.sort(), ['Archive', 'Deleted Items', 'Drafts', 'Inbox', 'Junk Email', 'Notes', 'Outbox', 'Sent Items'], 'the mailbox folders under Top of Information Store');
  t.equal(first(soap(top), 'RootFolder')!['@TotalItemsInView'], '8');

  const deep = await ews(gw, auth, envelope(`<m:FindFolder Traversal="Deep">${folderShape()}<m:ParentFolderIds>${dfid('root')}</m:ParentFolderIds></m:FindFolder>`));
  t.ok(all(soap(deep), 'DisplayName').map(String).includes('Projects'), 'Deep reaches subfolders');
  t.ok(all(soap(deep), 'DisplayName').map(String).includes('Top of Information Store'));

  const paged = await ews(gw, auth, envelope(`<m:FindFolder Traversal="Shallow">${folderShape('IdOnly')}<m:IndexedPageFolderView MaxEntriesReturned="3" Offset="3" BasePoint="Beginning"/><m:ParentFolderIds>${dfid('msgfolderroot')}</m:ParentFolderIds></m:FindFolder>`));
  const root = first(soap(paged), 'RootFolder')!;
  t.same([root['@IndexedPagingOffset'], root['@TotalItemsInView'], root['@IncludesLastItemInRange']], ['6', '8', 'false']);
  t.equal(all(soap(paged), 'FolderId').length, 3);

  const bad = await ews(gw, auth, envelope(`<m:GetFolder>${folderShape()}<m:FolderIds>${dfid('nosuchfolder')}</m:FolderIds></m:GetFolder>`));
  t.equal(bad.status, 500, 'a name outside the schema is a request error');
  t.equal(faultCode(bad), 'ErrorSchemaValidation');
});

t.test('FindItem: newest first, IndexedPageItemView paging, restrictions', async (t) => {
  const { gw, auth, tom } = await setup(t);
  for (let i = 1; i <= 5; i++) {
    await gw.core.mail.deliver(tom, Buffer.from(rfc822('una@tailspin.com', 'tom@tailspin.com', `Report ${i}${i === 3 ? ' urgent' : ''}`, `body ${i}`)), {
      internalDate: new Date(Date.UTC(2025, 10, i)),
      flags: i % 2 ? [] : ['\\Seen'],
    });
  }
  const everything = await ews(gw, auth, findItem('inbox', itemShape('Default')));
  t.same(codes(everything), ['Success:NoError']);
  t.same(all(soap(everything), 'Subject').map(String), ['Report 5', 'Report 4', 'Report 3 urgent', 'Report 2', 'Report 1'], 'newest received first');
  const first5 = all(soap(everything), 'Message')[0];
  t.equal(textOf(first5, 'DateTimeReceived'), '2025-11-05T00:00:00Z');
  t.equal(textOf(first5, 'IsRead'), 'false');
  t.equal(textOf(first(first5, 'From'), 'EmailAddress'), 'una@tailspin.com');
  t.equal(textOf(first5, 'Body'), undefined, 'FindItem never returns bodies');

  const pageTwo = await ews(gw, auth, findItem('inbox', itemShape('IdOnly'), '<m:IndexedPageItemView MaxEntriesReturned="2" Offset="2" BasePoint="Beginning"/>'));
  const root = first(soap(pageTwo), 'RootFolder')!;
  t.same([root['@IndexedPagingOffset'], root['@TotalItemsInView'], root['@IncludesLastItemInRange']], ['4', '5', 'false']);
  t.equal(idsOf(soap(pageTwo)).length, 2);
  const lastPage = await ews(gw, auth, findItem('inbox', itemShape('IdOnly'), '<m:IndexedPageItemView MaxEntriesReturned="2" Offset="4" BasePoint="Beginning"/>'));
  t.equal(first(soap(lastPage), 'RootFolder')!['@IncludesLastItemInRange'], 'true');

  const unread = await ews(gw, auth, findItem('inbox', itemShape('IdOnly', '<t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties>'),
    '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="message:IsRead"/><t:FieldURIOrConstant><t:Constant Value="false"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>'));
  t.same(all(soap(unread), 'Subject').map(String), ['Report 5', 'Report 3 urgent', 'Report 1'], 'IsRead restriction, AdditionalProperties on IdOnly');

  const urgent = await ews(gw, auth, findItem('inbox', itemShape('Default'),
    '<m:Restriction><t:And><t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="URGENT"/></t:Contains><t:IsGreaterThan><t:FieldURI FieldURI="item:DateTimeReceived"/><t:FieldURIOrConstant><t:Constant Value="2025-11-02T00:00:00Z"/></t:FieldURIOrConstant></t:IsGreaterThan></t:And></m:Restriction>'));
  t.same(all(soap(urgent), 'Subject').map(String), ['Report 3 urgent'], 'Contains and a date comparison under And');

  const unsupported = await ews(gw, auth, findItem('inbox', itemShape('IdOnly'),
    '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="item:Categories"/><t:FieldURIOrConstant><t:Constant Value="x"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>'));
  t.same(codes(unsupported), ['Error:ErrorUnsupportedPathForQuery'], 'an unsupported restriction is an error, never an unfiltered list');

  const ascending = await ews(gw, auth, findItem('inbox', itemShape('IdOnly', '<t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties>'),
    '<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>'));
  t.equal(String(all(soap(ascending), 'Subject')[0]), 'Report 1', 'SortOrder');

  const deep = await ews(gw, auth, envelope(`<m:FindItem Traversal="Deep">${itemShape()}<m:ParentFolderIds>${dfid('inbox')}</m:ParentFolderIds></m:FindItem>`));
  t.equal(deep.status, 500, 'Deep is not an item traversal');
  t.equal(faultCode(deep), 'ErrorSchemaValidation');

  const capped = await bootGateway(t, { seed: EWS_SEED, limits: { httpMaxPageItems: 2 } });
  const tom2 = capped.core.directory.userByUpn('tom@tailspin.com')!.id;
  for (let i = 0; i < 3; i++) await capped.core.mail.deliver(tom2, Buffer.from(rfc822('una@tailspin.com', 'tom@tailspin.com', `m${i}`, 'x')));
  const auth2 = `Bearer ${await ewsUserToken(capped, 'tom@tailspin.com', 'Tom-Passw0rd!')}`;
  const cappedRes = await ews(capped, auth2, findItem('inbox'));
  t.equal(idsOf(soap(cappedRes)).length, 2, 'no view: at most the page limit');
  t.equal(first(soap(cappedRes), 'RootFolder')!['@IncludesLastItemInRange'], 'false');
});

t.test('GetItem: shapes, MIME content, unknown and malformed ids', async (t) => {
  const { gw, auth, tom } = await setup(t);
  const raw = 'From: =?utf-8?B?w5xuYSBUYWlsc3Bpbg==?= <una@tailspin.com>\r\nTo: tom@tailspin.com, Cara <cara@example.org>\r\nCc: shared@tailspin.com\r\nSubject: =?utf-8?Q?Caf=C3=A9_menu?=\r\nDate: Tue, 04 Nov 2025 10:00:00 +0000\r\nMessage-ID: <menu@test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCr=E8me br=FBl=E9e & <tarte>\r\n--b1\r\nContent-Type: application/pdf; name="menu.pdf"\r\nContent-Disposition: attachment; filename="menu.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b1--\r\n';
  const stored = await gw.core.mail.deliver(tom, Buffer.from(raw));
  const found = await ews(gw, auth, findItem('inbox'));
  const id = idsOf(soap(found))[0];

  const res = await ews(gw, auth, envelope(`<m:GetItem>${itemShape('Default', '<t:IncludeMimeContent>true</t:IncludeMimeContent>')}${itemIds(id)}</m:GetItem>`));
  t.same(codes(res), ['Success:NoError']);
  const msg = first(soap(res), 'Message')!;
  t.equal(textOf(msg, 'Subject'), 'Café menu', 'RFC 2047 subject decoded');
  t.equal(first(msg, 'Body')!['@BodyType'], 'Text');
  t.equal(textOf(msg, 'Body'), 'Crème brûlée & <tarte>', 'quoted-printable latin-1 body, escaped in XML and read back');
  t.equal(textOf(msg, 'HasAttachments'), 'true');
  t.equal(textOf(first(msg, 'From'), 'Name'), 'Üna Tailspin');
  t.same(all(first(msg, 'ToRecipients'), 'MailboxType').map(String), ['Mailbox', 'OneOff'], 'directory users are mailboxes, others one-offs');
  t.equal(textOf(first(msg, 'CcRecipients'), 'EmailAddress'), 'shared@tailspin.com');
  t.equal(Buffer.from(textOf(msg, 'MimeContent')!, 'base64').toString('latin1'), raw, 'MimeContent is the stored message, byte for byte');
  t.equal(first(msg, 'MimeContent')!['@CharacterSet'], 'UTF-8');

  const html = await ews(gw, auth, envelope(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:BodyType>HTML</t:BodyType><t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/><t:FieldURI FieldURI="message:InternetMessageId"/></t:AdditionalProperties></m:ItemShape>${itemIds(id)}</m:GetItem>`));
  const hmsg = first(soap(html), 'Message')!;
  t.equal(first(hmsg, 'Body')!['@BodyType'], 'HTML');
  t.match(textOf(hmsg, 'Body'), /^<html><body>Crème brûlée &amp; &lt;tarte&gt;/, 'text converted to HTML');
  t.equal(textOf(hmsg, 'InternetMessageId'), '<menu@test>');
  t.equal(textOf(hmsg, 'Subject'), undefined, 'IdOnly plus exactly the additional properties');

  // An id of the same shape for a UID that does not exist.
  const bytes = Buffer.from(id, 'base64');
  bytes.writeUInt32BE(stored.uid + 100, bytes.length - 4);
  const mixed = await ews(gw, auth, envelope(`<m:GetItem>${itemShape('IdOnly')}${itemIds(id, bytes.toString('base64'), 'AAAA')}</m:GetItem>`));
  t.same(codes(mixed), ['Success:NoError', 'Error:ErrorItemNotFound', 'Error:ErrorInvalidIdMalformed'], 'one response message per id, in order');
  t.equal(textOf(all(soap(mixed), 'GetItemResponseMessage')[1], 'MessageText'), 'The specified object was not found in the store., The process failed to get the correct properties.');

  // Another user's item id: not Tom's to read.
  const una = `Bearer ${await ewsUserToken(gw, 'una@tailspin.com', 'Una-Passw0rd!')}`;
  const foreign = await ews(gw, una, envelope(`<m:GetItem>${itemShape('IdOnly')}${itemIds(id)}</m:GetItem>`));
  t.same(codes(foreign), ['Error:ErrorAccessDenied'], "another mailbox's item without FullAccess");
});

t.test('CreateItem: SaveOnly to Drafts, SendAndSaveCopy through the submission path, errors', async (t) => {
  const { gw, auth, tom, una } = await setup(t);
  const message = (extra: string) => `<t:Message><t:Subject>Lunch &amp; &lt;plans&gt;</t:Subject><t:Body BodyType="Text">Noon at the café?</t:Body>${extra}</t:Message>`;
  const to = (...addresses: string[]) => `<t:ToRecipients>${addresses.map((a) => `<t:Mailbox><t:EmailAddress>${a}</t:EmailAddress></t:Mailbox>`).join('')}</t:ToRecipients>`;

  const saved = await ews(gw, auth, envelope(`<m:CreateItem MessageDisposition="SaveOnly"><m:Items>${message(to('una@tailspin.com'))}</m:Items></m:CreateItem>`));
  t.same(codes(saved), ['Success:NoError']);
  const draftId = idsOf(soap(saved))[0];
  const drafts = await gw.core.mail.messages(tom, 'Drafts');
  t.equal(drafts.length, 1, 'SaveOnly stores in Drafts');
  t.match(drafts[0].flags, ['\\Seen', '\\Draft']);
  t.match(drafts[0].body.toString(), /^Subject: Lunch & <plans>\r$/m);
  const draft = await ews(gw, auth, envelope(`<m:GetItem>${itemShape('AllProperties')}${itemIds(draftId)}</m:GetItem>`));
  t.equal(textOf(soap(draft), 'Subject'), 'Lunch & <plans>');
  t.equal(textOf(soap(draft), 'IsDraft'), 'true');

  const sent = await ews(gw, auth, envelope(`<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:SavedItemFolderId>${dfid('sentitems')}</m:SavedItemFolderId><m:Items>${message(`${to('una@tailspin.com', 'partner@example.org')}<t:CcRecipients><t:Mailbox><t:Name>Evil\r\nBcc: x@y.z</t:Name><t:EmailAddress>shared@tailspin.com</t:EmailAddress></t:Mailbox></t:CcRecipients>`)}</m:Items></m:CreateItem>`));
  t.same(codes(sent), ['Success:NoError']);
  t.equal(idsOf(soap(sent)).length, 0, 'sending returns no item');
  const inbox = await gw.core.mail.messages(una, 'INBOX');
  t.equal(inbox.length, 1, 'delivered to the recipient in the tenant');
  const body = inbox[0].body.toString();
  t.match(body, /^From: "Tom Tailspin" <tom@tailspin.com>\r$/m);
  t.match(body, /^Content-Transfer-Encoding: base64\r$/m, 'non-ASCII body as base64');
  t.notMatch(body, /^Bcc:/m, 'a CR/LF in a display name cannot add a header');
  t.equal((await gw.core.mail.messages(tom, 'Sent Items')).length, 1, 'a copy in Sent Items');
  t.equal((await gw.core.mail.captured()).filter((c) => c.rcptTo.includes('partner@example.org')).length, 1, 'outside mail captured, never relayed');
  t.equal((await gw.core.mail.messages(gw.core.directory.userByUpn('shared@tailspin.com')!.id, 'INBOX')).length, 1, 'Cc delivered');

  const mime = Buffer.from(rfc822('tom@tailspin.com', 'una@tailspin.com', 'Via MIME', 'raw')).toString('base64');
  const viaMime = await ews(gw, auth, envelope(`<m:CreateItem MessageDisposition="SendOnly"><m:Items><t:Message><t:MimeContent CharacterSet="UTF-8">${mime}</t:MimeContent></t:Message></m:Items></m:CreateItem>`));
  t.same(codes(viaMime), ['Success:NoError']);
  t.equal((await gw.core.mail.messages(una, 'INBOX')).length, 2, 'MimeContent sent to the recipients its headers name');
  t.equal((await gw.core.mail.messages(tom, 'Sent Items')).length, 1, 'SendOnly keeps no copy');

  const toDrafts = await ews(gw, auth, envelope(`<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:SavedItemFolderId>${dfid('drafts')}</m:SavedItemFolderId><m:Items>${message(to('una@tailspin.com'))}</m:Items></m:CreateItem>`));
  t.same(codes(toDrafts), ['Success:NoError']);
  t.equal((await gw.core.mail.messages(tom, 'Drafts')).length, 2, 'SendAndSaveCopy keeps the copy where SavedItemFolderId says');
  t.equal((await gw.core.mail.messages(tom, 'Sent Items')).length, 1, '... and not in Sent Items');

  const errors = await ews(gw, auth, envelope(`<m:CreateItem MessageDisposition="SendOnly"><m:Items>${message('')}${message(`${to('una@tailspin.com')}<t:From><t:Mailbox><t:EmailAddress>wes@tailspin.com</t:EmailAddress></t:Mailbox></t:From>`)}<t:Message><t:MimeContent>!!!</t:MimeContent></t:Message><t:CalendarItem/></m:Items></m:CreateItem>`));
  t.same(codes(errors), ['Error:ErrorInvalidRecipients', 'Error:ErrorSendAsDenied', 'Error:ErrorMimeContentInvalidBase64String', 'Error:ErrorInvalidOperation']);
  const noDisposition = await ews(gw, auth, envelope(`<m:CreateItem><m:Items>${message(to('una@tailspin.com'))}</m:Items></m:CreateItem>`));
  t.same(codes(noDisposition), ['Error:ErrorMessageDispositionRequired']);
  t.equal(textOf(soap(noDisposition), 'MessageText'), 'MessageDisposition attribute is required.');
});

t.test('UpdateItem, MoveItem, CopyItem, DeleteItem', async (t) => {
  const { gw, auth, tom } = await setup(t);
  for (const s of ['a', 'b', 'c', 'd']) await gw.core.mail.deliver(tom, Buffer.from(rfc822('una@tailspin.com', 'tom@tailspin.com', s, s)));
  const listed = await ews(gw, auth, findItem('inbox', itemShape('IdOnly', '<t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties>')));
  const bySubject = new Map(all(soap(listed), 'Message').map((m: Node) => [textOf(m, 'Subject')!, first(m, 'ItemId')!]));
  const a = bySubject.get('a')!;

  const setRead = (id: string, value: boolean, changeKey = '', resolution = 'AutoResolve') =>
    envelope(`<m:UpdateItem MessageDisposition="SaveOnly" ConflictResolution="${resolution}"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}"${changeKey ? ` ChangeKey="${changeKey}"` : ''}/><t:Updates><t:SetItemField><t:FieldURI FieldURI="message:IsRead"/><t:Message><t:IsRead>${value}</t:IsRead></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`);
  const updated = await ews(gw, auth, setRead(a['@Id'], true));
  t.same(codes(updated), ['Success:NoError']);
  t.equal(textOf(first(soap(updated), 'ConflictResults'), 'Count'), '0');
  const newKey = first(soap(updated), 'ItemId')!['@ChangeKey'];
  t.not(newKey, a['@ChangeKey'], 'the ChangeKey changes with the flags');
  t.match((await gw.core.mail.messages(tom, 'INBOX')).find((m) => m.body.toString().includes('Subject: a'))!.flags, ['\\Seen'], '\\Seen in the store (IMAP sees it)');
  const stale = await ews(gw, auth, setRead(a['@Id'], false, a['@ChangeKey'], 'NeverOverwrite'));
  t.same(codes(stale), ['Error:ErrorIrresolvableConflict'], 'NeverOverwrite with a stale ChangeKey');
  const fresh = await ews(gw, auth, setRead(a['@Id'], false, newKey, 'NeverOverwrite'));
  t.same(codes(fresh), ['Success:NoError']);
  const subject = await ews(gw, auth, envelope(`<m:UpdateItem ConflictResolution="AutoResolve"><m:ItemChanges><t:ItemChange><t:ItemId Id="${a['@Id']}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Message><t:Subject>x</t:Subject></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`));
  t.same(codes(subject), ['Error:ErrorInvalidPropertySet']);

  const moved = await ews(gw, auth, envelope(`<m:MoveItem><m:ToFolderId>${dfid('junkemail')}</m:ToFolderId>${itemIds(bySubject.get('b')!['@Id'])}</m:MoveItem>`));
  t.same(codes(moved), ['Success:NoError']);
  const movedId = idsOf(soap(moved))[0];
  t.not(movedId, bySubject.get('b')!['@Id'], 'a move gives a new id');
  const afterMove = await ews(gw, auth, envelope(`<m:GetItem>${itemShape('IdOnly', '<t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties>')}${itemIds(movedId, bySubject.get('b')!['@Id'])}</m:GetItem>`));
  t.same(codes(afterMove), ['Success:NoError', 'Error:ErrorItemNotFound'], 'the new id reads, the old one is gone');
  t.equal(textOf(soap(afterMove), 'Subject'), 'b');

  const copied = await ews(gw, auth, envelope(`<m:CopyItem><m:ToFolderId>${dfid('drafts')}</m:ToFolderId>${itemIds(bySubject.get('c')!['@Id'])}</m:CopyItem>`));
  t.same(codes(copied), ['Success:NoError']);
  t.equal((await gw.core.mail.messages(tom, 'Drafts')).length, 1);
  t.equal((await gw.core.mail.messages(tom, 'INBOX')).length, 3, 'a copy leaves the original');

  const trash = await ews(gw, auth, envelope(`<m:DeleteItem DeleteType="MoveToDeletedItems">${itemIds(bySubject.get('c')!['@Id'])}</m:DeleteItem>`));
  t.same(codes(trash), ['Success:NoError']);
  t.equal((await gw.core.mail.messages(tom, 'Deleted Items')).length, 1, 'MoveToDeletedItems');
  const hard = await ews(gw, auth, envelope(`<m:DeleteItem DeleteType="HardDelete">${itemIds(bySubject.get('d')!['@Id'], bySubject.get('d')!['@Id'])}</m:DeleteItem>`));
  t.same(codes(hard), ['Success:NoError', 'Error:ErrorItemNotFound'], 'HardDelete; the second delete of the same id finds nothing');
  t.equal((await gw.core.mail.messages(tom, 'INBOX')).length, 1);
  const noType = await ews(gw, auth, envelope(`<m:DeleteItem>${itemIds(a['@Id'])}</m:DeleteItem>`));
  t.equal(noType.status, 500);
  t.equal(faultCode(noType), 'ErrorSchemaValidation');
});

t.test('ResolveNames: one, several, none; only the caller\'s tenant', async (t) => {
  const { gw, auth } = await setup(t);
  const resolve = (entry: string) => ews(gw, auth, envelope(`<m:ResolveNames ReturnFullContactData="true" SearchScope="ActiveDirectory"><m:UnresolvedEntry>${entry}</m:UnresolvedEntry></m:ResolveNames>`));
  const one = await resolve('una');
  t.same(codes(one), ['Success:NoError']);
  t.equal(textOf(first(soap(one), 'Mailbox'), 'EmailAddress'), 'una@tailspin.com');
  t.equal(textOf(first(soap(one), 'Mailbox'), 'Name'), 'Una Tailspin');
  t.equal(textOf(first(soap(one), 'Contact'), 'DisplayName'), 'Una Tailspin');
  const smtp = await resolve('SMTP:wes@tailspin.com');
  t.same(codes(smtp), ['Success:NoError'], 'an SMTP: address');
  const several = await resolve('Tailspin');
  t.same(codes(several), ['Warning:ErrorNameResolutionMultipleResults']);
  t.equal(first(soap(several), 'ResolutionSet')!['@TotalItemsInView'], '5');
  const none = await resolve('alice');
  t.same(codes(none), ['Error:ErrorNameResolutionNoResults'], "another tenant's users are not found");
  t.equal(textOf(soap(none), 'MessageText'), 'No results were found.');
});
