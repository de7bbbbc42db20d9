// The IMAP4rev1 subset over raw sockets: folders, SELECT/EXAMINE, FETCH sections and partials,
// STORE, SEARCH keys, COPY/MOVE with UIDPLUS codes, EXPUNGE and UID EXPUNGE, APPEND with a
// synchronizing literal and LITERAL+, IDLE, CLOSE/UNSELECT; UIDVALIDITY and UIDNEXT across a
// restart of the gateway.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startGateway, type Gateway } from '../../index.js';
import { BASE_SEED, bootGateway, TEST_LIMITS } from '../helpers/gateway.js';
import { imapsSession, type ImapWire } from '../helpers/imap-wire.js';

const MESSAGE = (n: number, extra = '') =>
  [
    `From: Bob <bob@contoso.com>`,
    `To: Alice <alice@contoso.com>`,
    `Subject: message ${n}${extra}`,
    `Date: Tue, 0${n} Jan 2024 10:00:00 +0000`,
    `Message-ID: <m${n}@contoso.com>`,
    '',
    `Body of message ${n}.`,
    '.a line that starts with a dot',
    '',
  ].join('\r\n');

async function signedIn(gw: Gateway): Promise<ImapWire> {
  const { wire } = await imapsSession(gw.ports.imaps, gw.caCert);
  const lines = await wire.command('l', 'LOGIN alice@contoso.com Alice-Passw0rd!');
  if (lines[0] !== 'l OK LOGIN completed.') throw new Error(lines.join('\n'));
  return wire;
}

t.test('IMAP commands', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T00:00:00Z' });
  const alice = gw.core.directory.userByUpn('alice@contoso.com')!;
  for (let n = 1; n <= 3; n++) await gw.core.mail.deliver(alice.id, Buffer.from(MESSAGE(n)));
  const wire = await signedIn(gw);

  t.test('LIST, LSUB, CREATE, RENAME, DELETE, SUBSCRIBE, STATUS', async (t) => {
    t.same(await wire.command('a', 'LIST "" ""'), ['* LIST (\\Noselect) "/" ""', 'a OK LIST completed.']);
    t.same(await wire.command('b', 'CREATE Projects/2024/Q1'), ['b OK CREATE completed.']);
    t.same(await wire.command('c', 'LIST "" "Projects*"'), [
      '* LIST (\\HasChildren) "/" Projects',
      '* LIST (\\HasChildren) "/" Projects/2024',
      '* LIST (\\HasNoChildren) "/" Projects/2024/Q1',
      'c OK LIST completed.',
    ]);
    t.same(await wire.command('d', 'LIST "" "Projects/%"'), ['* LIST (\\HasChildren) "/" Projects/2024', 'd OK LIST completed.'], '% stops at the delimiter');
    t.same(await wire.command('e', 'CREATE Projects'), ['e NO Mailbox already exists.']);
    t.same(await wire.command('f', 'RENAME Projects Work'), ['f OK RENAME completed.']);
    t.match(await wire.command('g', 'LIST "" "*"'), [/Archive/, /Deleted Items/, /Drafts/, /INBOX/, /Junk Email/, /Notes/, /Outbox/, /Sent Items/, /\) "\/" Work$/, /Work\/2024$/, /Work\/2024\/Q1$/, 'g OK LIST completed.']);
    t.same(await wire.command('h', 'DELETE Work'), ['h NO Mailbox already exists.'], 'a folder with children stays');
    t.same(await wire.command('i', 'DELETE Work/2024/Q1'), ['i OK DELETE completed.']);
    t.same(await wire.command('j', 'DELETE INBOX'), ['j NO Special mailbox cannot be deleted.']);
    t.same(await wire.command('k', 'DELETE Nowhere'), ['k NO The requested item could not be found.']);
    t.same(await wire.command('l', 'UNSUBSCRIBE Notes'), ['l OK UNSUBSCRIBE completed.']);
    t.notMatch((await wire.command('m', 'LSUB "" "*"')).join('\n'), /Notes/, 'LSUB lists only subscribed folders');
    t.same(await wire.command('n', 'STATUS INBOX (MESSAGES UNSEEN UIDNEXT RECENT)'), ['* STATUS INBOX (MESSAGES 3 UNSEEN 3 UIDNEXT 4 RECENT 0)', 'n OK STATUS completed.']);
    t.same(await wire.command('o', 'STATUS "Sent Items" (MESSAGES)'), ['* STATUS "Sent Items" (MESSAGES 0)', 'o OK STATUS completed.'], 'names with spaces are quoted');
    t.same(await wire.command('p', 'CREATE "Caf&AOk-/&ZeVnLIqe- & more"'), ['p OK CREATE completed.'], 'names travel in modified UTF-7');
    t.same(await wire.command('q', 'LIST "" "Caf*"'), [
      '* LIST (\\HasChildren) "/" Caf&AOk-',
      '* LIST (\\HasNoChildren) "/" "Caf&AOk-/&ZeVnLIqe- &- more"',
      'q OK LIST completed.',
    ]);
    t.ok((await gw.core.mail.folders(alice.id)).some((f) => f.name === 'Café/日本語 & more'), 'and are kept in Unicode');
  });

  t.test('SELECT, FETCH and its sections', async (t) => {
    const select = await wire.command('s', 'SELECT INBOX');
    t.same(select.slice(0, 3), ['* 3 EXISTS', '* 0 RECENT', '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)']);
    t.match(select.slice(3), [
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)] Permanent flags',
      '* OK [UNSEEN 1] Is the first unseen message',
      /^\* OK \[UIDVALIDITY \d+\] UIDVALIDITY value$/,
      '* OK [UIDNEXT 4] The next unique identifier value',
      's OK [READ-WRITE] SELECT completed.',
    ]);
    t.same(await wire.command('f1', 'FETCH 1:3 (UID RFC822.SIZE)'), [
      `* 1 FETCH (UID 1 RFC822.SIZE ${Buffer.byteLength(MESSAGE(1))})`,
      `* 2 FETCH (UID 2 RFC822.SIZE ${Buffer.byteLength(MESSAGE(2))})`,
      `* 3 FETCH (UID 3 RFC822.SIZE ${Buffer.byteLength(MESSAGE(3))})`,
      'f1 OK FETCH completed.',
    ]);
    t.same(await wire.command('f2', 'FETCH 2 (BODY.PEEK[HEADER.FIELDS (Subject)])'), ['* 2 FETCH (BODY[HEADER.FIELDS (Subject)] {22}\r\nSubject: message 2\r\n\r\n)', 'f2 OK FETCH completed.']);
    t.same(await wire.command('f3', 'FETCH 2 (BODY.PEEK[TEXT]<0.7>)'), ['* 2 FETCH (BODY[TEXT]<0> {7}\r\nBody of)', 'f3 OK FETCH completed.'], 'a partial fetch');
    t.same(await wire.command('f4', 'FETCH 2 (FLAGS)'), ['* 2 FETCH (FLAGS ())', 'f4 OK FETCH completed.'], 'PEEK did not set \\Seen');
    t.same(await wire.command('f5', 'FETCH 2 (BODY[TEXT])'), [
      '* 2 FETCH (BODY[TEXT] {52}\r\nBody of message 2.\r\n.a line that starts with a dot\r\n FLAGS (\\Seen))',
      'f5 OK FETCH completed.',
    ]);
    t.same(await wire.command('f6', 'UID FETCH 3 (FLAGS)'), ['* 3 FETCH (UID 3 FLAGS ())', 'f6 OK FETCH completed.'], 'UID FETCH answers with UID');
    t.match(await wire.command('f7', 'FETCH 1 (ENVELOPE)'), [/^\* 1 FETCH \(ENVELOPE \("Tue, 01 Jan 2024 10:00:00 \+0000" "message 1" \(\("Bob" NIL "bob" "contoso.com"\)\)/, 'f7 OK FETCH completed.']);
    t.same(await wire.command('f8', 'FETCH 4 (FLAGS)'), ['f8 BAD [*] The specified message set is invalid.'], 'beyond EXISTS');
    t.same(await wire.command('f9', 'UID FETCH 99 (FLAGS)'), ['f9 OK FETCH completed.'], 'an absent UID is no error');
    t.same(await wire.command('f10', 'FETCH 1 (BODY[NOPE])'), ['f10 BAD Command Argument Error. 11']);
  });

  t.test('STORE and SEARCH', async (t) => {
    t.same(await wire.command('s1', 'STORE 1 +FLAGS (\\Flagged $Work)'), ['* 1 FETCH (FLAGS (\\Flagged $Work))', 's1 OK STORE completed.']);
    t.same(await wire.command('s2', 'UID STORE 1 -FLAGS.SILENT ($Work)'), ['s2 OK STORE completed.']);
    t.same(await wire.command('s3', 'STORE 1 FLAGS (\\Recent)'), ['s3 BAD Command Argument Error. 11'], '\\Recent is not the client\'s to set');
    t.same(await wire.command('q1', 'SEARCH FLAGGED'), ['* SEARCH 1', 'q1 OK SEARCH completed.']);
    t.same(await wire.command('q2', 'SEARCH UNSEEN'), ['* SEARCH 1 3', 'q2 OK SEARCH completed.']);
    t.same(await wire.command('q3', 'SEARCH SUBJECT "message 3"'), ['* SEARCH 3', 'q3 OK SEARCH completed.']);
    t.same(await wire.command('q4', 'SEARCH OR FROM nobody TEXT "starts with a dot" NOT 1'), ['* SEARCH 2 3', 'q4 OK SEARCH completed.']);
    t.same(await wire.command('q5', 'UID SEARCH SENTBEFORE 2-Jan-2024'), ['* SEARCH 1', 'q5 OK SEARCH completed.']);
    t.same(await wire.command('q6', 'SEARCH CHARSET UTF-8 HEADER Message-ID m2'), ['* SEARCH 2', 'q6 OK SEARCH completed.']);
    t.same(await wire.command('q7', 'SEARCH CHARSET KOI8-R ALL'), ['q7 NO [BADCHARSET (US-ASCII)] The specified charset is not supported.']);
    t.same(await wire.command('q8', 'SEARCH (LARGER 10 SMALLER 100000) 2:3'), ['* SEARCH 2 3', 'q8 OK SEARCH completed.']);
    t.same(await wire.command('q9', 'SEARCH BOGUS'), ['q9 BAD Command Argument Error. 11']);
  });

  t.test('COPY, MOVE, EXPUNGE, UID EXPUNGE', async (t) => {
    t.match(await wire.command('c1', 'COPY 1:2 Archive'), [/^c1 OK \[COPYUID \d+ 1,2 1,2\] COPY completed\.$/]);
    t.same(await wire.command('c2', 'COPY 1 Nowhere'), ['c2 NO [TRYCREATE] The requested item could not be found.']);
    const moved = await wire.command('m1', 'UID MOVE 2 Archive');
    t.match(moved, [/^\* OK \[COPYUID \d+ 2 3\]$/, '* 2 EXPUNGE', 'm1 OK MOVE completed.']);
    t.same(await wire.command('e0', 'STORE 1 +FLAGS.SILENT (\\Deleted)'), ['e0 OK STORE completed.']);
    t.same(await wire.command('e1', 'UID EXPUNGE 3'), ['e1 OK EXPUNGE completed.'], 'UID EXPUNGE leaves \\Deleted messages outside its set');
    t.same(await wire.command('e2', 'EXPUNGE'), ['* 1 EXPUNGE', 'e2 OK EXPUNGE completed.']);
    t.same(await wire.command('e3', 'UID FETCH 1:* (UID)'), ['* 1 FETCH (UID 3)', 'e3 OK FETCH completed.']);
  });

  t.test('APPEND with a synchronizing literal and with LITERAL+', async (t) => {
    const message = MESSAGE(4);
    wire.send(`a1 APPEND INBOX (\\Seen) " 5-Feb-2024 08:00:00 +0100" {${Buffer.byteLength(message)}}`);
    t.equal(await wire.line(), '+ Ready for additional command text.');
    wire.send(message);
    t.match(await wire.until('a1'), ['* 2 EXISTS', '* 0 RECENT', /^a1 OK \[APPENDUID \d+ 4\] APPEND completed\.$/], 'the selected folder hears of it too');
    wire.send(`a2 APPEND Drafts {${Buffer.byteLength(message)}+}\r\n${message}`);
    t.match(await wire.until('a2'), [/^a2 OK \[APPENDUID \d+ 1\] APPEND completed\.$/]);
    t.same(await wire.command('a3', 'FETCH 2 (FLAGS INTERNALDATE)'), ['* 2 FETCH (FLAGS (\\Seen) INTERNALDATE "05-Feb-2024 07:00:00 +0000")', 'a3 OK FETCH completed.']);
    t.same(await wire.command('a4', `APPEND Nowhere {3+}\r\nabc`), ['a4 NO [TRYCREATE] The requested item could not be found.']);
  });

  t.test('another session\'s changes arrive as untagged responses, in IDLE at once', async (t) => {
    const other = await signedIn(gw);
    await other.command('o1', 'SELECT INBOX');
    wire.send('i1 IDLE');
    t.equal(await wire.line(), '+ IDLE accepted, awaiting DONE command.');
    await other.command('o2', 'STORE 1 +FLAGS (\\Answered)');
    t.equal(await wire.line(), '* 1 FETCH (FLAGS (\\Answered))');
    await gw.core.mail.deliver(alice.id, Buffer.from(MESSAGE(5)));
    t.same([await wire.line(), await wire.line()], ['* 3 EXISTS', '* 0 RECENT']);
    await other.command('o3', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await other.command('o4', 'EXPUNGE');
    t.same([await wire.line(), await wire.line()], ['* 1 FETCH (FLAGS (\\Answered \\Deleted))', '* 1 EXPUNGE']);
    wire.send('DONE');
    t.same(await wire.until('i1'), ['i1 OK IDLE completed.']);
    other.end();
  });

  t.test('EXAMINE is read-only; CLOSE expunges, UNSELECT does not', async (t) => {
    t.match(await wire.command('x1', 'EXAMINE INBOX'), ['* 2 EXISTS', '* 0 RECENT', /FLAGS/, '* OK [PERMANENTFLAGS ()] Permanent flags', /UNSEEN/, /UIDVALIDITY/, /UIDNEXT/, 'x1 OK [READ-ONLY] EXAMINE completed.']);
    t.same(await wire.command('x2', 'STORE 1 +FLAGS (\\Deleted)'), ['x2 NO Command received in Invalid state.']);
    await wire.command('x3', 'SELECT INBOX');
    await wire.command('x4', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    t.same(await wire.command('x5', 'UNSELECT'), ['x5 OK UNSELECT completed.']);
    t.same(await wire.command('x6', 'FETCH 1 (FLAGS)'), ['x6 BAD Command received in Invalid state.'], 'nothing selected');
    t.match(await wire.command('x7', 'SELECT INBOX'), ['* 2 EXISTS']);
    t.same(await wire.command('x8', 'CLOSE'), ['x8 OK CLOSE completed.']);
    t.match(await wire.command('x9', 'SELECT INBOX'), ['* 1 EXISTS'], 'CLOSE removed the \\Deleted message');
  });

  t.teardown(() => wire.end());
});

t.test('UIDVALIDITY and UIDNEXT survive a restart', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'exogate-imap-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const options = { dataDir, seed: BASE_SEED, demo: false, clock: '2024-03-01T00:00:00Z', limits: TEST_LIMITS };
  let gw = await startGateway(options);
  const alice = gw.core.directory.userByUpn('alice@contoso.com')!;
  await gw.core.mail.deliver(alice.id, Buffer.from(MESSAGE(1)));
  await gw.core.mail.deliver(alice.id, Buffer.from(MESSAGE(2)));
  let wire = await signedIn(gw);
  const before = (await wire.command('s', 'SELECT INBOX')).join('\n');
  await wire.command('e', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
  await wire.command('x', 'EXPUNGE');
  wire.end();
  await gw.close();

  gw = await startGateway(options);
  t.teardown(() => gw.close());
  wire = await signedIn(gw);
  const after = (await wire.command('s', 'SELECT INBOX')).join('\n');
  t.equal(/UIDVALIDITY (\d+)/.exec(after)?.[1], /UIDVALIDITY (\d+)/.exec(before)?.[1], 'same UIDVALIDITY');
  t.match(after, /\[UIDNEXT 3\]/, 'UIDNEXT never goes back, even after an expunge');
  await gw.core.mail.deliver(alice.id, Buffer.from(MESSAGE(3)));
  t.same(await wire.command('f', 'UID FETCH 1:* (UID)'), ['* 1 FETCH (UID 1)', '* 2 EXISTS', '* 0 RECENT', 'f OK FETCH completed.'], 'the new message is announced after the FETCH');
  t.same(await wire.command('g', 'UID FETCH 1:* (UID)'), ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', 'g OK FETCH completed.'], 'it got UID 3: 2 was used before the restart');
  wire.end();
});
