// The WBXML codec against hand-assembled documents: for every supported code page, bytes put
// together from MS-ASWBXML's token values decode to the expected tree, and the tree encodes
// back to the same bytes. Then the malformed inputs the decoder must refuse, and the
// tolerances it must keep (string table, entities, public id by index).
import t from 'tap';
import { CODE_PAGES } from '../../servers/http/eas/wbxml/codepages.js';
import { decode, encode, WBXML_MAX_DEPTH, WbxmlError, type WbxmlElement } from '../../servers/http/eas/wbxml/codec.js';
import { el } from '../../servers/http/eas/wbxml/tree.js';

/** WBXML 1.3, public id 1 (unknown), charset 106 (UTF-8), string table length 0. */
const HEADER = [0x03, 0x01, 0x6a, 0x00];
/** STR_I: 0x03, the UTF-8 bytes, 0x00. */
const str = (s: string) => [0x03, ...Buffer.from(s, 'utf8'), 0x00];
/** OPAQUE: 0xC3, mb_u_int32 length, the bytes. */
const opaque = (...b: number[]) => [0xc3, b.length, ...b];
const END = 0x01;
const SWITCH = (page: number) => [0x00, page];
/** A tag token with content: token | 0x40. */
const C = (token: number) => token | 0x40;
const hex = (b: Uint8Array | number[]) => Buffer.from(b).toString('hex');

const AS = (tag: string, ...c: Parameters<typeof el>[2][]) => el('AirSync', tag, ...c);

interface Sample {
  page: number;
  name: string;
  tree: WbxmlElement;
  bytes: number[];
}

const samples: Sample[] = [
  {
    page: 0,
    name: 'AirSync: an initial Sync request (first token Sync 0x05, last HeartbeatInterval 0x29)',
    tree: AS('Sync',
      AS('Collections', AS('Collection', AS('SyncKey', '0'), AS('CollectionId', '5'), AS('GetChanges'), AS('WindowSize', '512'), AS('Options', AS('FilterType', '3')))),
      AS('HeartbeatInterval', '60')),
    bytes: [
      C(0x05), // <Sync>
      C(0x1c), // <Collections>
      C(0x0f), // <Collection>
      C(0x0b), ...str('0'), END, // <SyncKey>0</SyncKey>
      C(0x12), ...str('5'), END, // <CollectionId>5</CollectionId>
      0x13, // <GetChanges/>
      C(0x15), ...str('512'), END, // <WindowSize>512</WindowSize>
      C(0x17), C(0x18), ...str('3'), END, END, // <Options><FilterType>3</FilterType></Options>
      END, END, // </Collection></Collections>
      C(0x29), ...str('60'), END, // <HeartbeatInterval>60</HeartbeatInterval>
      END, // </Sync>
    ],
  },
  {
    page: 1,
    name: 'Contacts (AssistantPhoneNumber 0x07, FirstName 0x1F, Email1Address 0x1B, WeightedRank 0x3E)',
    tree: AS('ApplicationData', el('Contacts', 'AssistantPhoneNumber'), el('Contacts', 'FirstName', 'Ann'), el('Contacts', 'Email1Address', 'ann@contoso.com'), el('Contacts', 'WeightedRank', '1')),
    bytes: [C(0x1d), ...SWITCH(1), 0x07, C(0x1f), ...str('Ann'), END, C(0x1b), ...str('ann@contoso.com'), END, C(0x3e), ...str('1'), END, END],
  },
  {
    page: 2,
    name: 'Email (Subject 0x14, Read 0x15, To 0x16, Flag 0x3A, DisallowNewTimeProposal 0x3F)',
    tree: AS('ApplicationData', el('Email', 'To', 'bob@contoso.com'), el('Email', 'Subject', 'Grüße'), el('Email', 'Read', '1'), el('Email', 'Flag'), el('Email', 'DisallowNewTimeProposal')),
    bytes: [C(0x1d), ...SWITCH(2), C(0x16), ...str('bob@contoso.com'), END, C(0x14), ...str('Grüße'), END, C(0x15), ...str('1'), END, 0x3a, 0x3f, END],
  },
  {
    page: 4,
    name: 'Calendar (Timezone 0x05, UID 0x28, AttendeeStatus 0x29, ClientUid 0x3C)',
    tree: AS('ApplicationData', el('Calendar', 'Timezone', 'xAAAAA=='), el('Calendar', 'UID', 'u1'), el('Calendar', 'AttendeeStatus'), el('Calendar', 'ClientUid', 'c1')),
    bytes: [C(0x1d), ...SWITCH(4), C(0x05), ...str('xAAAAA=='), END, C(0x28), ...str('u1'), END, 0x29, C(0x3c), ...str('c1'), END, END],
  },
  {
    page: 5,
    name: 'Move (MoveItems 0x05 ... DstMsgId 0x0C)',
    tree: el('Move', 'MoveItems',
      el('Move', 'Move', el('Move', 'SrcMsgId', '5:1'), el('Move', 'SrcFldId', '5'), el('Move', 'DstFldId', '6')),
      el('Move', 'Response', el('Move', 'Status', '3'), el('Move', 'DstMsgId', '6:1'))),
    bytes: [
      ...SWITCH(5), C(0x05), C(0x06), C(0x07), ...str('5:1'), END, C(0x08), ...str('5'), END, C(0x09), ...str('6'), END, END,
      C(0x0a), C(0x0b), ...str('3'), END, C(0x0c), ...str('6:1'), END, END, END,
    ],
  },
  {
    page: 6,
    name: 'GetItemEstimate (with a switch to AirSync and back)',
    tree: el('GetItemEstimate', 'GetItemEstimate',
      el('GetItemEstimate', 'Collections', el('GetItemEstimate', 'Collection', AS('SyncKey', 'k'), el('GetItemEstimate', 'CollectionId', '5'))),
      el('GetItemEstimate', 'Response', el('GetItemEstimate', 'Status', '1'), el('GetItemEstimate', 'Estimate', '4'))),
    bytes: [
      ...SWITCH(6), C(0x05), C(0x07), C(0x08),
      ...SWITCH(0), C(0x0b), ...str('k'), END, // AirSync SyncKey
      ...SWITCH(6), C(0x0a), ...str('5'), END, END, END,
      C(0x0d), C(0x0e), ...str('1'), END, C(0x0c), ...str('4'), END, END, END,
    ],
  },
  {
    page: 7,
    name: 'FolderHierarchy: a FolderSync response (DisplayName 0x07 ... Count 0x17)',
    tree: el('FolderHierarchy', 'FolderSync',
      el('FolderHierarchy', 'Status', '1'),
      el('FolderHierarchy', 'SyncKey', '1'),
      el('FolderHierarchy', 'Changes', el('FolderHierarchy', 'Count', '1'),
        el('FolderHierarchy', 'Add', el('FolderHierarchy', 'ServerId', 'x'), el('FolderHierarchy', 'ParentId', '0'), el('FolderHierarchy', 'DisplayName', 'Inbox'), el('FolderHierarchy', 'Type', '2')))),
    bytes: [
      ...SWITCH(7), C(0x16), C(0x0c), ...str('1'), END, C(0x12), ...str('1'), END,
      C(0x0e), C(0x17), ...str('1'), END,
      C(0x0f), C(0x08), ...str('x'), END, C(0x09), ...str('0'), END, C(0x07), ...str('Inbox'), END, C(0x0a), ...str('2'), END, END,
      END, END,
    ],
  },
  {
    page: 8,
    name: 'MeetingResponse (CollectionId 0x06, UserResponse 0x0C, SendResponse 0x12)',
    tree: el('MeetingResponse', 'MeetingResponse', el('MeetingResponse', 'Request', el('MeetingResponse', 'UserResponse', '1'), el('MeetingResponse', 'CollectionId', '5'), el('MeetingResponse', 'RequestId', '5:1'), el('MeetingResponse', 'SendResponse'))),
    bytes: [...SWITCH(8), C(0x07), C(0x09), C(0x0c), ...str('1'), END, C(0x06), ...str('5'), END, C(0x08), ...str('5:1'), END, 0x12, END, END],
  },
  {
    page: 9,
    name: 'Tasks (Categories 0x08, Complete 0x0A, Subject 0x20, FirstDayOfWeek 0x26)',
    tree: AS('ApplicationData', el('Tasks', 'Subject', 'T'), el('Tasks', 'Complete', '0'), el('Tasks', 'Categories', el('Tasks', 'Category', 'c')), el('Tasks', 'FirstDayOfWeek', '1')),
    bytes: [C(0x1d), ...SWITCH(9), C(0x20), ...str('T'), END, C(0x0a), ...str('0'), END, C(0x08), C(0x09), ...str('c'), END, END, C(0x26), ...str('1'), END, END],
  },
  {
    page: 10,
    name: 'ResolveRecipients (ResolveRecipients 0x05, To 0x10, MaxPictures 0x1D)',
    tree: el('ResolveRecipients', 'ResolveRecipients', el('ResolveRecipients', 'To', 'bob'), el('ResolveRecipients', 'Options', el('ResolveRecipients', 'MaxAmbiguousRecipients', '1'), el('ResolveRecipients', 'MaxPictures', '0'))),
    bytes: [...SWITCH(10), C(0x05), C(0x10), ...str('bob'), END, C(0x0f), C(0x14), ...str('1'), END, C(0x1d), ...str('0'), END, END, END],
  },
  {
    page: 11,
    name: 'ValidateCert, with opaque certificate bytes',
    tree: el('ValidateCert', 'ValidateCert', el('ValidateCert', 'Certificates', el('ValidateCert', 'Certificate', Uint8Array.from([1, 2, 3]))), el('ValidateCert', 'CheckCRL', '1')),
    bytes: [...SWITCH(11), C(0x05), C(0x06), C(0x07), ...opaque(1, 2, 3), END, END, C(0x09), ...str('1'), END, END],
  },
  {
    page: 12,
    name: 'Contacts2 (CustomerId 0x05, NickName 0x0D, MMS 0x0E)',
    tree: AS('ApplicationData', el('Contacts2', 'CustomerId', 'c'), el('Contacts2', 'NickName', 'N'), el('Contacts2', 'MMS', '1')),
    bytes: [C(0x1d), ...SWITCH(12), C(0x05), ...str('c'), END, C(0x0d), ...str('N'), END, C(0x0e), ...str('1'), END, END],
  },
  {
    page: 13,
    name: 'Ping (Ping 0x05 ... MaxFolders 0x0D)',
    tree: el('Ping', 'Ping', el('Ping', 'Status', '2'), el('Ping', 'HeartbeatInterval', '480'), el('Ping', 'Folders', el('Ping', 'Folder', el('Ping', 'Id', '5'), el('Ping', 'Class', 'Email'))), el('Ping', 'MaxFolders', '300')),
    bytes: [
      ...SWITCH(13), C(0x05), C(0x07), ...str('2'), END, C(0x08), ...str('480'), END,
      C(0x09), C(0x0a), C(0x0b), ...str('5'), END, C(0x0c), ...str('Email'), END, END, END,
      C(0x0d), ...str('300'), END, END,
    ],
  },
  {
    page: 14,
    name: 'Provision: a policy with its EASProvisionDoc (RequireStorageCardEncryption 0x10, ApprovedApplicationList 0x39, AccountOnlyRemoteWipe 0x3B)',
    tree: el('Provision', 'Provision', el('Provision', 'Policies', el('Provision', 'Policy',
      el('Provision', 'PolicyType', 'MS-EAS-Provisioning-WBXML'),
      el('Provision', 'Status', '1'),
      el('Provision', 'PolicyKey', '123'),
      el('Provision', 'Data', el('Provision', 'EASProvisionDoc',
        el('Provision', 'DevicePasswordEnabled', '0'),
        el('Provision', 'RequireStorageCardEncryption', '0'),
        el('Provision', 'ApprovedApplicationList'),
        el('Provision', 'UnapprovedInROMApplicationList', el('Provision', 'ApplicationName', 'x')),
        el('Provision', 'AccountOnlyRemoteWipe')))))),
    bytes: [
      ...SWITCH(14), C(0x05), C(0x06), C(0x07),
      C(0x08), ...str('MS-EAS-Provisioning-WBXML'), END,
      C(0x0b), ...str('1'), END,
      C(0x09), ...str('123'), END,
      C(0x0a), C(0x0d),
      C(0x0e), ...str('0'), END,
      C(0x10), ...str('0'), END,
      0x39,
      C(0x37), C(0x38), ...str('x'), END, END,
      0x3b,
      END, END, // </EASProvisionDoc></Data>
      END, END, END, // </Policy></Policies></Provision>
    ],
  },
  {
    page: 15,
    name: 'Search (Store 0x07, And 0x13, FreeText 0x15, DeepTraversal 0x17, RebuildResults 0x19, MaxPictures 0x23)',
    tree: el('Search', 'Search', el('Search', 'Store',
      el('Search', 'Name', 'Mailbox'),
      el('Search', 'Query', el('Search', 'And', el('Search', 'FreeText', 'hello'))),
      el('Search', 'Options', el('Search', 'Range', '0-9'), el('Search', 'DeepTraversal'), el('Search', 'RebuildResults'), el('Search', 'MaxPictures', '1')))),
    bytes: [
      ...SWITCH(15), C(0x05), C(0x07), C(0x08), ...str('Mailbox'), END,
      C(0x09), C(0x13), C(0x15), ...str('hello'), END, END, END,
      C(0x0a), C(0x0b), ...str('0-9'), END, 0x17, 0x19, C(0x23), ...str('1'), END, END,
      END, END,
    ],
  },
  {
    page: 16,
    name: 'GAL in Search Properties (DisplayName 0x05, EmailAddress 0x0F, Data 0x12 opaque)',
    tree: el('Search', 'Properties', el('GAL', 'DisplayName', 'Bob'), el('GAL', 'EmailAddress', 'bob@contoso.com'), el('GAL', 'Data', Uint8Array.from([0xaa, 0xbb]))),
    bytes: [...SWITCH(15), C(0x0f), ...SWITCH(16), C(0x05), ...str('Bob'), END, C(0x0f), ...str('bob@contoso.com'), END, C(0x12), ...opaque(0xaa, 0xbb), END, END],
  },
  {
    page: 17,
    name: 'AirSyncBase: a Body (Type 0x06, Body 0x0A, Data 0x0B, EstimatedDataSize 0x0C, Preview 0x18, InstanceId 0x2D)',
    tree: AS('ApplicationData',
      el('AirSyncBase', 'Body', el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'EstimatedDataSize', '5'), el('AirSyncBase', 'Data', 'hello'), el('AirSyncBase', 'Preview', 'hello')),
      el('AirSyncBase', 'NativeBodyType', '1'),
      el('AirSyncBase', 'InstanceId', 'i')),
    bytes: [
      C(0x1d), ...SWITCH(17), C(0x0a), C(0x06), ...str('1'), END, C(0x0c), ...str('5'), END, C(0x0b), ...str('hello'), END, C(0x18), ...str('hello'), END, END,
      C(0x16), ...str('1'), END, C(0x2d), ...str('i'), END, END,
    ],
  },
  {
    page: 18,
    name: 'Settings (DeviceInformation 0x16, Model 0x17, OS 0x1A, UserAgent 0x20, RightsManagementInformation 0x2B)',
    tree: el('Settings', 'Settings',
      el('Settings', 'DeviceInformation', el('Settings', 'Set', el('Settings', 'Model', 'Pixel'), el('Settings', 'OS', 'Android'), el('Settings', 'UserAgent', 'x'), el('Settings', 'EnableOutboundSMS', '0'))),
      el('Settings', 'UserInformation', el('Settings', 'Get')),
      el('Settings', 'RightsManagementInformation', el('Settings', 'Get'))),
    bytes: [
      ...SWITCH(18), C(0x05),
      C(0x16), C(0x08), C(0x17), ...str('Pixel'), END, C(0x1a), ...str('Android'), END, C(0x20), ...str('x'), END, C(0x21), ...str('0'), END, END, END,
      C(0x1d), 0x07, END,
      C(0x2b), 0x07, END,
      END,
    ],
  },
  {
    page: 19,
    name: 'DocumentLibrary in Search Properties (LinkId 0x05, IsFolder 0x07, ContentType 0x0C)',
    tree: el('Search', 'Properties', el('DocumentLibrary', 'LinkId', '\\\\server\\share'), el('DocumentLibrary', 'IsFolder', '1'), el('DocumentLibrary', 'ContentType', 'text/plain')),
    bytes: [...SWITCH(15), C(0x0f), ...SWITCH(19), C(0x05), ...str('\\\\server\\share'), END, C(0x07), ...str('1'), END, C(0x0c), ...str('text/plain'), END, END],
  },
  {
    page: 20,
    name: 'ItemOperations (Fetch 0x06, Store 0x07, Range 0x09, Move 0x16, DstFldId 0x17, ConversationId 0x18, MoveAlways 0x19)',
    tree: el('ItemOperations', 'ItemOperations',
      el('ItemOperations', 'Fetch', el('ItemOperations', 'Store', 'Mailbox'), AS('ServerId', '5:1'), el('ItemOperations', 'Options', el('ItemOperations', 'Range', '0-100'))),
      el('ItemOperations', 'Move', el('ItemOperations', 'ConversationId', Uint8Array.from([9])), el('ItemOperations', 'DstFldId', '6'), el('ItemOperations', 'Options', el('ItemOperations', 'MoveAlways')))),
    bytes: [
      ...SWITCH(20), C(0x05),
      C(0x06), C(0x07), ...str('Mailbox'), END, ...SWITCH(0), C(0x0d), ...str('5:1'), END, ...SWITCH(20), C(0x08), C(0x09), ...str('0-100'), END, END, END,
      C(0x16), C(0x18), ...opaque(9), END, C(0x17), ...str('6'), END, C(0x08), 0x19, END, END,
      END,
    ],
  },
  {
    page: 21,
    name: 'ComposeMail: SendMail with opaque Mime (SaveInSentItems 0x08, Mime 0x10, ClientId 0x11, ForwardeeEmail 0x18)',
    tree: el('ComposeMail', 'SendMail',
      el('ComposeMail', 'ClientId', 'c1'),
      el('ComposeMail', 'SaveInSentItems'),
      el('ComposeMail', 'Mime', Uint8Array.from(Buffer.from('To: a'))),
      el('ComposeMail', 'Forwardees', el('ComposeMail', 'Forwardee', el('ComposeMail', 'ForwardeeName', 'n'), el('ComposeMail', 'ForwardeeEmail', 'e')))),
    bytes: [
      ...SWITCH(21), C(0x05), C(0x11), ...str('c1'), END, 0x08, C(0x10), ...opaque(...Buffer.from('To: a')), END,
      C(0x15), C(0x16), C(0x17), ...str('n'), END, C(0x18), ...str('e'), END, END, END,
      END,
    ],
  },
  {
    page: 22,
    name: 'Email2 (ConversationId 0x09 opaque, ReceivedAsBcc 0x0D, IsDraft 0x15, Send 0x17)',
    tree: AS('ApplicationData', el('Email2', 'ConversationId', Uint8Array.from([1, 2])), el('Email2', 'ReceivedAsBcc', '0'), el('Email2', 'IsDraft', '0'), el('Email2', 'Send')),
    bytes: [C(0x1d), ...SWITCH(22), C(0x09), ...opaque(1, 2), END, C(0x0d), ...str('0'), END, C(0x15), ...str('0'), END, 0x17, END],
  },
  {
    page: 23,
    name: 'Notes (Subject 0x05, MessageClass 0x06, Categories 0x08, Category 0x09)',
    tree: AS('ApplicationData', el('Notes', 'Subject', 'n'), el('Notes', 'MessageClass', 'IPM.StickyNote'), el('Notes', 'Categories', el('Notes', 'Category', 'x'))),
    bytes: [C(0x1d), ...SWITCH(23), C(0x05), ...str('n'), END, C(0x06), ...str('IPM.StickyNote'), END, C(0x08), C(0x09), ...str('x'), END, END, END],
  },
  {
    page: 24,
    name: 'RightsManagement (RightsManagementLicense 0x08, Owner 0x12, TemplateID 0x14, RemoveRightsManagementProtection 0x18)',
    tree: AS('ApplicationData', el('RightsManagement', 'RightsManagementLicense', el('RightsManagement', 'Owner', '1'), el('RightsManagement', 'TemplateID', 'id')), el('RightsManagement', 'RemoveRightsManagementProtection')),
    bytes: [C(0x1d), ...SWITCH(24), C(0x08), C(0x12), ...str('1'), END, C(0x14), ...str('id'), END, END, 0x18, END],
  },
];

t.test('every supported code page has a byte-exact sample', async (t) => {
  t.same(samples.map((s) => s.page).sort((a, b) => a - b), CODE_PAGES.map((p) => p.page));
});

for (const sample of samples) {
  t.test(`page ${sample.page}: ${sample.name}`, async (t) => {
    const bytes = [...HEADER, ...sample.bytes];
    t.same(decode(Uint8Array.from(bytes)), sample.tree, 'decodes to the tree');
    t.equal(hex(encode(sample.tree)), hex(bytes), 'encodes to the same bytes');
  });
}

t.test('Provision 0x10 also answers to its 12.0 name, DeviceEncryptionEnabled', async (t) => {
  const bytes = encode(el('Provision', 'EASProvisionDoc', el('Provision', 'DeviceEncryptionEnabled', '1')));
  t.equal(hex(bytes), hex([...HEADER, ...SWITCH(14), C(0x0d), C(0x10), ...str('1'), END, END]));
  t.same(decode(bytes), el('Provision', 'EASProvisionDoc', el('Provision', 'RequireStorageCardEncryption', '1')));
});

t.test('an empty inline string stays an empty string, so the round trip is exact', async (t) => {
  const bytes = [...HEADER, C(0x0b), ...str(''), END];
  t.same(decode(Uint8Array.from(bytes)), AS('SyncKey', ''));
  t.equal(hex(encode(AS('SyncKey', ''))), hex(bytes));
});

t.test('tolerated on decode: a string table with STR_T, a public id given by index, character entities, any version byte', async (t) => {
  // String table "xy\0" (length 3); SyncKey's text is STR_T offset 0.
  t.same(decode(Uint8Array.from([0x03, 0x01, 0x6a, 0x03, 0x78, 0x79, 0x00, C(0x0b), 0x83, 0x00, END])), AS('SyncKey', 'xy'));
  // Public id 0 followed by its string-table index (0); empty table.
  t.same(decode(Uint8Array.from([0x03, 0x00, 0x00, 0x6a, 0x00, 0x05])), AS('Sync'));
  // ENTITY 0x41 then STR_I "B": one text child "AB".
  t.same(decode(Uint8Array.from([...HEADER, C(0x0b), 0x02, 0x41, ...str('B'), END])), AS('SyncKey', 'AB'));
  // WBXML 1.1 header; charset 0 (unknown) read as UTF-8.
  t.same(decode(Uint8Array.from([0x01, 0x01, 0x00, 0x00, 0x05])), AS('Sync'));
  // Two-byte mb_u_int32 opaque length (130 bytes).
  const big = new Array(130).fill(0x61);
  t.same(decode(Uint8Array.from([...HEADER, ...SWITCH(21), C(0x10), 0xc3, 0x81, 0x02, ...big, END])), el('ComposeMail', 'Mime', Uint8Array.from(big)));
  t.equal(hex(encode(el('ComposeMail', 'Mime', Uint8Array.from(big)))), hex([...HEADER, ...SWITCH(21), C(0x10), 0xc3, 0x81, 0x02, ...big, END]));
});

const malformed: [string, number[], RegExp][] = [
  ['truncated in the header', [0x03, 0x01], /unexpected end/],
  ['no root element', [...HEADER], /no root element/],
  ['truncated before END', [...HEADER, C(0x05), C(0x1c)], /unclosed element Collections/],
  ['truncated in a string', [...HEADER, C(0x0b), 0x03, 0x61, 0x62], /unterminated string/],
  ['opaque length past the end', [...HEADER, C(0x0b), 0xc3, 0x10, 0x61], /runs past the end/],
  ['a code page that is not supported (3, AirNotify)', [...HEADER, ...SWITCH(3), 0x05], /unsupported code page 3/],
  ['a code page that does not exist (0xFF)', [...HEADER, ...SWITCH(0xff), 0x05], /unsupported code page 255/],
  ['a token a page does not define (AirSync 0x11)', [...HEADER, C(0x11), END], /unknown tag 0x11 on code page 0/],
  ['END with nothing open', [...HEADER, C(0x05), END, END], /data after the root element|END without an open element/],
  ['END before any element', [...HEADER, END], /END without an open element/],
  ['a second root', [...HEADER, 0x05, 0x05], /data after the root element/],
  ['text outside the root', [...HEADER, ...str('a')], /text outside the root element/],
  ['an mb_u_int32 over 2^32 - 1', [...HEADER.slice(0, 3), 0x90, 0x80, 0x80, 0x80, 0x00, 0x05], /mb_u_int32 out of range/],
  ['an mb_u_int32 longer than 5 bytes', [...HEADER.slice(0, 3), 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x05], /longer than 5 bytes/],
  ['a string table longer than the document', [0x03, 0x01, 0x6a, 0x7f, 0x05], /runs past the end/],
  ['a string-table reference out of range', [...HEADER, C(0x0b), 0x83, 0x05, END], /string table reference out of range/],
  ['a tag with attributes', [...HEADER, 0x85, END], /not used by ActiveSync/],
  ['LITERAL (unknown tag by name)', [...HEADER, 0x04, 0x00, END], /not used by ActiveSync/],
  ['a charset other than UTF-8', [0x03, 0x01, 0x04, 0x00, 0x05], /unsupported charset 4/],
  ['an invalid character entity', [...HEADER, C(0x0b), 0x02, 0x84, 0x80, 0x80, 0x00, END], /invalid character entity/],
];

function refusal(bytes: number[]): Error | undefined {
  try {
    decode(Uint8Array.from(bytes));
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

for (const [name, bytes, message] of malformed) {
  t.test(`refused: ${name}`, async (t) => {
    const error = refusal(bytes);
    t.ok(error instanceof WbxmlError, 'a WbxmlError');
    t.match(error?.message, message);
  });
}

t.test(`nesting deeper than ${WBXML_MAX_DEPTH} is refused; ${WBXML_MAX_DEPTH} is fine`, async (t) => {
  const nested = (depth: number) => [...HEADER, ...new Array(depth).fill(C(0x1c)), ...new Array(depth).fill(END)];
  t.ok(decode(Uint8Array.from(nested(WBXML_MAX_DEPTH))));
  t.throws(() => decode(Uint8Array.from(nested(WBXML_MAX_DEPTH + 1))), { message: /nested deeper than 32/ });
  // A deep document that never closes is refused at the limit, without reading on.
  t.throws(() => decode(Uint8Array.from([...HEADER, ...new Array(100_000).fill(C(0x1c))])), { message: /nested deeper than 32/ });
});

t.test('the encoder refuses what WBXML cannot carry', async (t) => {
  t.throws(() => encode(el('AirSync', 'NoSuchTag')), { message: /no token for AirSync:NoSuchTag/ });
  t.throws(() => encode(AS('SyncKey', 'a\0b')), { message: /NUL in the text/ });
});
