// The TRANSACTION and UPDATE states (RFC 1939 §5, §6, §7) on messages delivered into the
// mailbox: STAT, LIST, UIDL, RETR, TOP with dot-stuffing byte for byte; DELE only marks, QUIT
// commits, a dropped connection and RSET do not; the maildrop is a snapshot and is locked.
import nodemailer from 'nodemailer';
import t from 'tap';
import type { Gateway } from '../../index.js';
import { TEXTS } from '../../servers/pop3/replies.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { xoauth2 } from '../helpers/https.js';
import { CLASSIC_CLOCK, openTls, POP_SEED, popUserToken, signedIn, signInWhenFree as freeSignIn, userPass } from './pop3-wire.js';

const FIRST =
  'From: Ann <ann@example.org>\r\nTo: someone@contoso.com\r\nSubject: first\r\n\r\nline one\r\n.starts with a dot\r\n..two dots\r\n.\r\nlast line\r\n';
const SECOND = 'Subject: second\n\nalpha\nbeta\ngamma\n'; // bare LF, as some clients store it
const THIRD = 'Subject: third\r\n\r\nno final newline';

/** RFC 1939 §3 by hand: CRLF lines, a "." doubled at the start of a line, then ".". */
const FIRST_ON_THE_WIRE =
  'From: Ann <ann@example.org>\r\nTo: someone@contoso.com\r\nSubject: first\r\n\r\nline one\r\n..starts with a dot\r\n...two dots\r\n..\r\nlast line\r\n.\r\n';

const gw = await bootGateway(t, { seed: BASE_SEED, clock: CLASSIC_CLOCK });
await gw.seed(POP_SEED);

let users = 0;
/** A mailbox of its own for each test, with the given messages delivered into INBOX. */
async function mailbox(gateway: Gateway, ...messages: string[]): Promise<{ upn: string; password: string; id: string }> {
  const upn = `pop${++users}@contoso.com`;
  const password = `Pop${users}-Passw0rd!`;
  await gateway.seed({ tenants: [{ name: 'contoso', users: [{ upn, password }] }] });
  const id = gateway.core.directory.userByUpn(upn)!.id;
  for (const m of messages) await gateway.core.mail.deliver(id, Buffer.from(m, 'latin1'));
  return { upn, password, id };
}

const signInWhenFree = (upn: string, password: string) => freeSignIn(gw, upn, password);

t.test('STAT, LIST, UIDL, RETR and TOP, byte for byte', async (t) => {
  const box = await mailbox(gw, FIRST, SECOND, THIRD);
  const sizes = [FIRST, SECOND, THIRD].map((m) => Buffer.byteLength(m, 'latin1'));
  const total = sizes.reduce((a, b) => a + b);
  const wire = await signedIn(gw, box.upn, box.password);

  t.equal(await wire.command('STAT'), `+OK 3 ${total}`);
  t.same(await wire.multi('LIST'), { first: `+OK 3 ${total}`, lines: sizes.map((s, i) => `${i + 1} ${s}`) }, 'LIST opens with the totals, as Exchange does');
  t.equal(await wire.command('LIST 2'), `+OK 2 ${sizes[1]}`);

  const uidl = await wire.multi('UIDL');
  t.equal(uidl.first, '+OK', 'UIDL opens with a bare +OK');
  const ids = uidl.lines.map((l) => /^(\d) (\S+)$/.exec(l)!);
  t.same(ids.map((m) => m[1]), ['1', '2', '3']);
  for (const m of ids) t.match(m[2], /^[\x21-\x7e]{1,70}$/, 'a unique-id as RFC 1939 §7 defines it');
  t.equal(new Set(ids.map((m) => m[2])).size, 3, 'one per message');
  t.equal(await wire.command('UIDL 3'), `+OK 3 ${ids[2][2]}`);

  wire.send('RETR 1');
  t.equal(await wire.line(), '+OK', 'RETR opens with a bare +OK');
  t.equal(await wire.raw(), FIRST_ON_THE_WIRE, 'the message, dot-stuffed, then "."');

  wire.send('RETR 2');
  t.equal(await wire.line(), '+OK');
  t.equal(await wire.raw(), 'Subject: second\r\n\r\nalpha\r\nbeta\r\ngamma\r\n.\r\n', 'bare LFs go out as CRLF');

  wire.send('RETR 3');
  t.equal(await wire.line(), '+OK');
  t.equal(await wire.raw(), 'Subject: third\r\n\r\nno final newline\r\n.\r\n', 'a last line without its CRLF gets one before "."');

  t.same(await wire.multi('TOP 1 0'), { first: '+OK', lines: ['From: Ann <ann@example.org>', 'To: someone@contoso.com', 'Subject: first', ''] }, 'TOP n 0: the header and the blank line');
  t.same(await wire.multi('TOP 1 2'), { first: '+OK', lines: ['From: Ann <ann@example.org>', 'To: someone@contoso.com', 'Subject: first', '', 'line one', '..starts with a dot'] }, 'TOP n 2: two lines of the body, stuffed');
  t.same(await wire.multi('TOP 2 99'), { first: '+OK', lines: ['Subject: second', '', 'alpha', 'beta', 'gamma'] }, 'more lines than there are');

  t.equal(await wire.command('RETR 4'), '-ERR The specified message is out of range.');
  t.equal(await wire.command('LIST 9'), `-ERR ${TEXTS.outOfRange.text}`);
  t.equal(await wire.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');

  const again = await signedIn(gw, box.upn, box.password);
  t.same((await again.multi('UIDL')).lines, uidl.lines, 'the unique-ids are the same in the next session');
  again.end();
});

t.test('DELE + QUIT removes; the rest keep their unique-ids; retrieved messages are marked read', async (t) => {
  const box = await mailbox(gw, FIRST, SECOND, THIRD);
  const wire = await signedIn(gw, box.upn, box.password);
  const before = (await wire.multi('UIDL')).lines;
  t.equal(await wire.command('DELE 1'), '+OK');
  t.equal(await wire.command('DELE 1'), '-ERR The requested message is no longer available; it may have been deleted.', 'DELE twice');
  t.equal(await wire.command('RETR 1'), `-ERR ${TEXTS.noLongerAvailable.text}`, 'RETR of a marked message');
  t.equal(await wire.command('STAT'), `+OK 2 ${Buffer.byteLength(SECOND) + Buffer.byteLength(THIRD)}`, 'STAT leaves it out');
  t.same((await wire.multi('LIST')).lines.map((l) => l.split(' ')[0]), ['2', '3'], 'LIST too, keeping the numbers');
  wire.send('RETR 2');
  await wire.line();
  await wire.raw();
  t.equal((await gw.core.mail.messages(box.id)).length, 3, 'nothing is removed before QUIT');
  t.equal(await wire.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');

  const left = await gw.core.mail.messages(box.id);
  t.equal(left.length, 2, 'QUIT removed the marked message');
  t.match(left[0].body.toString(), /^Subject: second/);
  t.ok(left[0].flags.includes('\\Seen'), 'RETR marked the message read at UPDATE, as Exchange does');
  t.notOk(left[1].flags.includes('\\Seen'), 'an untouched one is not');

  const next = await signedIn(gw, box.upn, box.password);
  t.same((await next.multi('UIDL')).lines, [`1 ${before[1].split(' ')[1]}`, `2 ${before[2].split(' ')[1]}`], 'renumbered from 1, same unique-ids');
  next.end();
});

t.test('DELE + a dropped connection keeps everything; DELE + RSET keeps everything', async (t) => {
  const box = await mailbox(gw, FIRST, SECOND);
  const dropped = await signedIn(gw, box.upn, box.password);
  t.equal(await dropped.command('DELE 1'), '+OK');
  t.equal(await dropped.command('DELE 2'), '+OK');
  dropped.end();
  const after = await signInWhenFree(box.upn, box.password);
  t.match(await after.command('STAT'), /^\+OK 2 /, 'both messages are still there');
  t.equal((await gw.core.mail.messages(box.id)).length, 2);

  t.equal(await after.command('DELE 1'), '+OK');
  t.equal(await after.command('RETR 2'), '+OK');
  await after.raw();
  t.equal(await after.command('RSET'), '+OK');
  t.match(await after.command('STAT'), /^\+OK 2 /, 'RSET unmarks');
  t.equal(await after.command('RETR 1'), '+OK', 'the message is there again');
  await after.raw();
  t.equal(await after.command('RSET'), '+OK', 'and RSET forgets reads too');
  t.equal(await after.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');
  const left = await gw.core.mail.messages(box.id);
  t.equal(left.length, 2, 'QUIT after RSET removes nothing');
  t.ok(left.every((m) => !m.flags.includes('\\Seen')), 'and marks nothing read');
});

t.test('the maildrop is a snapshot: mail arriving during the session waits for the next one', async (t) => {
  const box = await mailbox(gw, FIRST);
  const wire = await signedIn(gw, box.upn, box.password);
  await gw.core.mail.deliver(box.id, Buffer.from(SECOND));
  t.match(await wire.command('STAT'), /^\+OK 1 /);
  // Removed behind the session's back (an IMAP client, say).
  const inbox = await gw.core.mail.folder(box.id, 'INBOX');
  await gw.core.mail.expunge(inbox!.id, { uids: [1], onlyDeleted: false });
  t.equal(await wire.command('RETR 1'), `-ERR ${TEXTS.noLongerAvailable.text}`, 'a message gone meanwhile');
  t.equal(await wire.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');
  const next = await signedIn(gw, box.upn, box.password);
  t.match(await next.command('STAT'), /^\+OK 1 /, 'the next session sees what arrived');
  t.same(await next.multi('TOP 1 0'), { first: '+OK', lines: ['Subject: second', ''] });
  next.end();
});

t.test('the maildrop lock: one session per mailbox in TRANSACTION (RFC 1939 §8)', async (t) => {
  const box = await mailbox(gw, FIRST);
  const first = await signedIn(gw, box.upn, box.password);
  const second = await userPass(gw, box.upn, box.password);
  t.equal(second.reply, '-ERR The mailbox is in use by another POP3 session.', 'PASS while another session holds the mailbox');
  t.equal(await second.wire.command('STAT'), '-ERR Command is not valid in this state.', 'still in AUTHORIZATION');
  const tok = await popUserToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!');
  const aliceHolder = await signedIn(gw);
  const viaToken = await openTls(gw);
  t.equal(await viaToken.command('AUTH XOAUTH2'), '+ ');
  t.equal(await viaToken.command(xoauth2('alice@contoso.com', tok)), `-ERR ${TEXTS.maildropLocked.text}`, 'AUTH XOAUTH2 alike');
  viaToken.end();
  aliceHolder.end();

  t.equal(await first.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');
  t.equal(await second.wire.command(`USER ${box.upn}`), '+OK');
  t.equal(await second.wire.command(`PASS ${box.password}`), '+OK User successfully logged on.', 'free at once after QUIT');
  second.wire.end();
  const free = await signInWhenFree(box.upn, box.password);
  t.match(await free.command('STAT'), /^\+OK 1 /, 'and after a dropped connection, once the server sees it');
  free.end();
});

t.test('argument errors (decompiled Exchange: Protocol error. 14 and 16)', async (t) => {
  const box = await mailbox(gw, FIRST);
  const wire = await signedIn(gw, box.upn, box.password);
  t.equal(await wire.command('RETR'), '-ERR Protocol error. 16', 'RETR without a number');
  t.equal(await wire.command('RETR one'), '-ERR Protocol error. 14', 'RETR with a word');
  t.equal(await wire.command('TOP 1'), '-ERR Protocol error. 16', 'the third bad command');
  t.equal(await wire.line(), 'Connection is closed. 21', 'ends the session');
  t.ok(await wire.closedByServer());
  t.equal((await gw.core.mail.messages(box.id)).length, 1);
  const other = await signInWhenFree(box.upn, box.password);
  t.equal(await other.command('TOP 1 -1'), '-ERR Protocol error. 14', 'a negative line count');
  t.equal(await other.command('DELE 0'), '-ERR Protocol error. 14', 'message 0');
  other.end();
});

t.test('mail submitted over SMTP (nodemailer) is retrieved over POP3', async (t) => {
  const box = await mailbox(gw);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: gw.ports.smtp,
    secure: false,
    requireTLS: true,
    tls: { ca: gw.caCert, servername: 'localhost' },
    auth: { user: 'alice@contoso.com', pass: 'Alice-Passw0rd!' },
  });
  await transport.sendMail({ from: 'alice@contoso.com', to: box.upn, subject: 'over SMTP', text: 'first line\n.second line starts with a dot\n' });
  const wire = await signedIn(gw, box.upn, box.password);
  const { first, lines } = await wire.multi('RETR 1');
  t.equal(first, '+OK');
  t.ok(lines.includes('Subject: over SMTP'));
  t.ok(lines.includes('..second line starts with a dot'), 'the dot SMTP unstuffed is stuffed again for POP3');
  t.match(lines[0], /^Received: from /, "the front end's Received line comes first");
  wire.end();
});
