// core/mail/mime: parse once, render ENVELOPE / BODY / BODYSTRUCTURE, slice BODY[section].
// Expectations are byte for byte. References, where a real server had to be chosen:
// RFC 3501's own examples for the rendering form (upper-case type/subtype/attribute names,
// values as given), Dovecot (lib-imap/imap-bodystructure.c, lib-mail/message-parser.c,
// lib-imap-storage/imap-msgpart.c and their tests) where the RFC is silent.
import t from 'tap';
import {
  extractSection,
  imapString,
  MAX_DEPTH,
  MAX_PARTS,
  parseMessage,
  parseSection,
  renderBodyStructure,
  renderEnvelope,
  renderSection,
  STRUCTURE_VERSION,
  type BodyPart,
  type MessageStructure,
  type SectionSpec,
} from '../../core/mail/mime.js';

/** A message written with \n, sent with CRLF. */
const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');

/** BODY[spec] as a latin1 string; throws on a spec parseSection refuses. */
function section(raw: Buffer, s: MessageStructure, spec: string): string {
  const parsed = parseSection(spec);
  if (!parsed) throw new Error(`unparsable section ${spec}`);
  return extractSection(raw, s, parsed).toString('latin1');
}

/** Offsets in order and inside the parent's body, sizes consistent, the root spanning the message. */
function invariantFailures(s: MessageStructure, length: number): string[] {
  const failures: string[] = [];
  const check = (part: BodyPart, lo: number, hi: number, where: string) => {
    const { headerStart, headerEnd, bodyStart, bodyEnd } = part;
    if (!(lo <= headerStart && headerStart <= headerEnd && headerEnd <= bodyStart && bodyStart <= bodyEnd && bodyEnd <= hi)) {
      failures.push(`${where}: ${JSON.stringify([lo, headerStart, headerEnd, bodyStart, bodyEnd, hi])}`);
    }
    if (part.size !== bodyEnd - bodyStart) failures.push(`${where}: size`);
    let previous = bodyStart;
    part.parts.forEach((child, i) => {
      check(child, previous, bodyEnd, `${where}.${i + 1}`);
      previous = child.bodyEnd;
    });
    if (part.message) {
      if (part.message.body.headerStart !== bodyStart || part.message.body.bodyEnd !== bodyEnd) failures.push(`${where}: message bounds`);
      check(part.message.body, bodyStart, bodyEnd, `${where}/message`);
    }
  };
  check(s.body, 0, length, 'root');
  if (s.body.headerStart !== 0 || s.body.bodyEnd !== length) failures.push('root does not span the message');
  return failures;
}

/** Every entity, depth first, with its depth. */
function walk(part: BodyPart, depth = 0, out: { part: BodyPart; depth: number }[] = []): { part: BodyPart; depth: number }[] {
  out.push({ part, depth });
  for (const child of part.parts) walk(child, depth + 1, out);
  if (part.message) walk(part.message.body, depth + 1, out);
  return out;
}

// RFC 3501 §8's sample message, whose FETCH response the RFC prints.
const RFC3501_SAMPLE = crlf(`Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
From: Terry Gray <gray@cac.washington.edu>
Subject: IMAP4rev1 WG mtg summary and minutes
To: imap@cac.washington.edu
cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>
Message-Id: <B27397-0100000@cac.washington.edu>
MIME-Version: 1.0
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

Hello Joe, do you think we can meet at 3:30 tomorrow?
`);

t.test('a simple text message: ENVELOPE as RFC 3501 prints it, BODY, BODYSTRUCTURE, offsets', async (t) => {
  const s = parseMessage(RFC3501_SAMPLE);
  t.equal(
    renderEnvelope(s),
    '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
      '(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
      '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ' +
      '((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ' +
      '"<B27397-0100000@cac.washington.edu>")',
  );
  // The body is 53 characters and a CRLF: 55 octets, one line.
  t.equal(renderBodyStructure(s, false), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1)');
  t.equal(renderBodyStructure(s, true), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1 NIL NIL NIL NIL)');

  const blank = RFC3501_SAMPLE.indexOf('\r\n\r\n') + 2;
  t.match(s, { version: STRUCTURE_VERSION, size: RFC3501_SAMPLE.length, truncated: false });
  t.match(s.body, { headerStart: 0, headerEnd: blank, bodyStart: blank + 2, bodyEnd: RFC3501_SAMPLE.length, type: 'text', subtype: 'plain', size: 55, lines: 1 });
  t.same(s.body.params, [['CHARSET', 'US-ASCII']]);
});

t.test('a non-multipart message has one part, itself (RFC 3501 §6.4.5)', async (t) => {
  const raw = RFC3501_SAMPLE;
  const s = parseMessage(raw);
  const header = raw.toString('latin1', 0, raw.indexOf('\r\n\r\n') + 4);
  const body = 'Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n';
  t.equal(section(raw, s, ''), raw.toString('latin1'));
  t.equal(section(raw, s, 'HEADER'), header);
  t.equal(section(raw, s, 'TEXT'), body);
  t.equal(section(raw, s, '1'), body, 'BODY[1] is the body');
  t.equal(section(raw, s, '1.MIME'), header, "BODY[1.MIME] is the message's header");
  for (const none of ['2', '1.1', '1.HEADER', '1.TEXT', '1.HEADER.FIELDS (SUBJECT)']) t.equal(section(raw, s, none), '', `BODY[${none}] is empty`);
});

const ALTERNATIVE = crlf(`From: a@example.com
To: b@example.com
Subject: alt
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Hi there

--b1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Hi there</p>
--b1--
`);

t.test('multipart/alternative', async (t) => {
  const s = parseMessage(ALTERNATIVE);
  // Part 1's body is "Hi there\r\n": the CRLF before "--b1" belongs to the delimiter (RFC 2046 §5.1.1).
  t.equal(
    renderBodyStructure(s, true),
    '(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)' +
      '("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 0 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "b1") NIL NIL NIL)',
  );
  t.equal(
    renderBodyStructure(s, false),
    '(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 0) "ALTERNATIVE")',
  );
  t.equal(renderEnvelope(s), '(NIL "alt" ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) ((NIL NIL "b" "example.com")) NIL NIL NIL NIL)');
  t.equal(section(ALTERNATIVE, s, '1'), 'Hi there\r\n');
  t.equal(section(ALTERNATIVE, s, '2'), '<p>Hi there</p>');
  t.equal(section(ALTERNATIVE, s, '1.MIME'), 'Content-Type: text/plain; charset=utf-8\r\n\r\n');
  t.equal(section(ALTERNATIVE, s, '2.MIME'), 'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
  t.equal(section(ALTERNATIVE, s, 'TEXT'), ALTERNATIVE.toString('latin1', ALTERNATIVE.indexOf('--b1')));
  t.equal(section(ALTERNATIVE, s, '3'), '');
  t.equal(section(ALTERNATIVE, s, '2.1'), '', 'a leaf inside a multipart has no part 1');
});

const MIXED = crlf(`From: "Alice Example" <alice@example.com>
To: bob@example.com
Subject: report
Date: Mon, 7 Feb 1994 21:52:25 -0800
Message-ID: <r1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed;
\tboundary="==mix=="

This is a multi-part message in MIME format.
--==mix==
Content-Type: text/plain; format=flowed
Content-Language: en, fr

See attached.
--==mix==
Content-Type: application/pdf; name="report.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="report.pdf"; size=6
Content-ID: <part2@example.com>
Content-Description: The report
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
Content-Location: http://example.com/report.pdf

JVBERi0K
--==mix==--
`);

t.test('multipart/mixed with an attachment: disposition, language, location, md5; text without charset gets US-ASCII', async (t) => {
  const s = parseMessage(MIXED);
  // Dovecot appends the default charset after the given parameters; so do we.
  t.equal(
    renderBodyStructure(s, true),
    '(("TEXT" "PLAIN" ("FORMAT" "flowed" "CHARSET" "US-ASCII") NIL NIL "7BIT" 13 0 NIL NIL ("en" "fr") NIL)' +
      '("APPLICATION" "PDF" ("NAME" "report.pdf") "<part2@example.com>" "The report" "BASE64" 8 "Q2hlY2sgSW50ZWdyaXR5IQ==" ' +
      '("ATTACHMENT" ("FILENAME" "report.pdf" "SIZE" "6")) NIL "http://example.com/report.pdf") "MIXED" ("BOUNDARY" "==mix==") NIL NIL NIL)',
  );
  t.equal(
    renderBodyStructure(s, false),
    '(("TEXT" "PLAIN" ("FORMAT" "flowed" "CHARSET" "US-ASCII") NIL NIL "7BIT" 13 0)' +
      '("APPLICATION" "PDF" ("NAME" "report.pdf") "<part2@example.com>" "The report" "BASE64" 8) "MIXED")',
  );
  t.equal(
    renderEnvelope(s),
    '("Mon, 7 Feb 1994 21:52:25 -0800" "report" (("Alice Example" NIL "alice" "example.com")) (("Alice Example" NIL "alice" "example.com")) ' +
      '(("Alice Example" NIL "alice" "example.com")) ((NIL NIL "bob" "example.com")) NIL NIL NIL "<r1@example.com>")',
  );
  t.same(s.body.parts[1].disposition, { type: 'attachment', params: [['filename', 'report.pdf'], ['size', '6']] });
  t.equal(section(MIXED, s, '2'), 'JVBERi0K');
  t.equal(section(MIXED, s, '1'), 'See attached.');
  t.equal(section(MIXED, s, 'HEADER.FIELDS (CONTENT-TYPE)'), 'Content-Type: multipart/mixed;\r\n\tboundary="==mix=="\r\n\r\n', 'folded lines stay folded');
});

const NESTED = crlf(`Subject: nested
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain

plain body
--inner
Content-Type: text/html

<b>html body</b>
--inner--

--outer
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-Disposition: inline

iVBORw0KGgo=
--outer--
`);

t.test('a multipart inside a multipart, and its part numbers', async (t) => {
  const s = parseMessage(NESTED);
  t.equal(
    renderBodyStructure(s, true),
    '((("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 16 0 NIL NIL NIL NIL) ' +
      '"ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL)("IMAGE" "PNG" NIL NIL NIL "BASE64" 12 NIL ("INLINE" NIL) NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)',
  );
  t.equal(
    renderBodyStructure(s, false),
    '((("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 0)("TEXT" "HTML" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 16 0) "ALTERNATIVE")' +
      '("IMAGE" "PNG" NIL NIL NIL "BASE64" 12) "MIXED")',
  );
  t.equal(section(NESTED, s, '1.1'), 'plain body');
  t.equal(section(NESTED, s, '1.2'), '<b>html body</b>');
  t.equal(section(NESTED, s, '1.1.MIME'), 'Content-Type: text/plain\r\n\r\n');
  t.equal(section(NESTED, s, '1.MIME'), 'Content-Type: multipart/alternative; boundary=inner\r\n\r\n');
  // The inner multipart's body runs through its close delimiter and the (empty) epilogue's CRLF.
  t.equal(
    section(NESTED, s, '1'),
    '--inner\r\nContent-Type: text/plain\r\n\r\nplain body\r\n--inner\r\nContent-Type: text/html\r\n\r\n<b>html body</b>\r\n--inner--\r\n',
  );
  t.equal(section(NESTED, s, '2'), 'iVBORw0KGgo=');
  for (const none of ['3', '1.3', '2.1', '1.1.1']) t.equal(section(NESTED, s, none), '', `BODY[${none}] is empty`);
});

const FORWARD = crlf(`From: Bob <bob@example.com>
To: alice@example.com
Subject: Fwd: lunch
Content-Type: multipart/mixed; boundary="fwd"

--fwd
Content-Type: text/plain

See below.
--fwd
Content-Type: message/rfc822
Content-Disposition: attachment

Date: Tue, 1 Mar 2022 12:00:00 +0000
From: Carol <carol@example.org>
Sender: list@example.org
Reply-To: Carol Replies <reply@example.org>
To: bob@example.com, dave@example.com
Cc: eve@example.org
Bcc: frank@example.org
Subject: lunch
In-Reply-To: <q1@example.org>
Message-ID: <m1@example.org>
Content-Type: text/plain; charset=us-ascii

Noon?
--fwd--
`);

t.test('a message/rfc822 attachment: its own envelope and structure, and its sections', async (t) => {
  const s = parseMessage(FORWARD);
  const inner =
    '("Tue, 1 Mar 2022 12:00:00 +0000" "lunch" (("Carol" NIL "carol" "example.org")) ((NIL NIL "list" "example.org")) ' +
    '(("Carol Replies" NIL "reply" "example.org")) ((NIL NIL "bob" "example.com")(NIL NIL "dave" "example.com")) ' +
    '((NIL NIL "eve" "example.org")) ((NIL NIL "frank" "example.org")) "<q1@example.org>" "<m1@example.org>")';
  // The encapsulated message: 11 header lines (347 octets), the blank line, "Noon?": 354 octets, 12 lines.
  t.equal(
    renderBodyStructure(s, true),
    '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 0 NIL NIL NIL NIL)' +
      `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 354 ${inner} ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 0 NIL NIL NIL NIL) 12 ` +
      'NIL ("ATTACHMENT" NIL) NIL NIL) "MIXED" ("BOUNDARY" "fwd") NIL NIL NIL)',
  );
  t.equal(
    renderBodyStructure(s, false),
    `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 0)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 354 ${inner} ` +
      '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 0) 12) "MIXED")',
  );
  t.equal(
    renderEnvelope(s),
    '(NIL "Fwd: lunch" (("Bob" NIL "bob" "example.com")) (("Bob" NIL "bob" "example.com")) (("Bob" NIL "bob" "example.com")) ((NIL NIL "alice" "example.com")) NIL NIL NIL NIL)',
  );
  const message = s.body.parts[1].message;
  t.ok(message);
  t.equal(renderEnvelope(message!), inner, 'the encapsulated envelope renders on its own too');

  const innerStart = FORWARD.indexOf('Date: Tue');
  const innerHeader = FORWARD.toString('latin1', innerStart, FORWARD.indexOf('\r\n\r\nNoon?') + 4);
  t.equal(section(FORWARD, s, '2'), FORWARD.toString('latin1', innerStart, FORWARD.indexOf('Noon?') + 5));
  t.equal(section(FORWARD, s, '2.MIME'), 'Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n');
  t.equal(section(FORWARD, s, '2.HEADER'), innerHeader);
  t.equal(section(FORWARD, s, '2.TEXT'), 'Noon?');
  t.equal(section(FORWARD, s, '2.1'), 'Noon?', 'part 1 of a non-multipart encapsulated message is its body');
  t.equal(section(FORWARD, s, '2.1.MIME'), innerHeader);
  t.equal(section(FORWARD, s, '2.HEADER.FIELDS (SUBJECT from)'), 'From: Carol <carol@example.org>\r\nSubject: lunch\r\n\r\n', 'in message order, whatever the list order');
  t.equal(
    section(FORWARD, s, '2.header.fields.not (Date From Sender Reply-To To Cc Bcc In-Reply-To)'),
    'Subject: lunch\r\nMessage-ID: <m1@example.org>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n',
  );
  t.equal(section(FORWARD, s, '1.HEADER'), '', 'HEADER of a part that is not message/rfc822');
  t.equal(section(FORWARD, s, '1.TEXT'), '');
  t.equal(section(FORWARD, s, '2.2'), '');
});

t.test('8-bit header bytes come out as literals in ENVELOPE', async (t) => {
  const raw = Buffer.concat([
    Buffer.from('Subject: ', 'latin1'),
    Buffer.from('Grüße', 'utf8'),
    Buffer.from('\r\nFrom: ', 'latin1'),
    Buffer.from('Jürgen Müller <j@example.de>', 'utf8'),
    Buffer.from('\r\nTo: =?utf-8?Q?J=C3=BCrgen?= <j@example.de>\r\nContent-Type: text/plain; name=', 'latin1'),
    Buffer.from('ü.txt', 'utf8'),
    Buffer.from('\r\n\r\nx', 'latin1'),
  ]);
  const s = parseMessage(raw);
  // Rendered strings are byte strings; read back as UTF-8 they are the original text. Literal
  // lengths count octets: "Grüße" is 7, "Jürgen Müller" 15, "ü.txt" 6.
  const envelope = Buffer.from(renderEnvelope(s), 'latin1').toString('utf8');
  const from = '(({15}\r\nJürgen Müller NIL "j" "example.de"))';
  t.equal(envelope, `(NIL {7}\r\nGrüße ${from} ${from} ${from} (("=?utf-8?Q?J=C3=BCrgen?=" NIL "j" "example.de")) NIL NIL NIL NIL)`);
  t.equal(Buffer.from(renderBodyStructure(s, false), 'latin1').toString('utf8'), '("TEXT" "PLAIN" ("NAME" {6}\r\nü.txt "CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0)');
  t.same(JSON.parse(JSON.stringify(s)), s, 'latin1 strings survive JSON');
});

t.test('groups, empty groups and the address forms of RFC 5322', async (t) => {
  const raw = crlf(`From: Pete <pete@silly.example>
Sender:
To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;
Cc: Undisclosed recipients:;
Bcc: "Doe, John" <john@x.test> (work), user@host.test (Real Name), <@r1.test,@r2.test:u@h.test>, (just a comment) x@y.test, bare, "quoted only", <>, Mary Smith <mary@x.test
Reply-To: "Giant; \\"Big\\" Box" <sysservices@example.net>

x`);
  const s = parseMessage(raw);
  const pete = '(("Pete" NIL "pete" "silly.example"))';
  t.equal(
    renderEnvelope(s),
    `(NIL NIL ${pete} ${pete} (("Giant; \\"Big\\" Box" NIL "sysservices" "example.net")) ` +
      '((NIL NIL "A Group" NIL)("Ed Jones" NIL "c" "a.test")(NIL NIL "joe" "where.test")("John" NIL "jdoe" "one.test")(NIL NIL NIL NIL)) ' +
      '((NIL NIL "Undisclosed recipients" NIL)(NIL NIL NIL NIL)) ' +
      '(("Doe, John" NIL "john" "x.test")("Real Name" NIL "user" "host.test")(NIL "@r1.test,@r2.test" "u" "h.test")(NIL NIL "x" "y.test")' +
      // Broken addresses as Dovecot fills them (message-address.c, FILL_MISSING).
      '(NIL NIL "bare" "MISSING_DOMAIN")("quoted only" NIL "MISSING_MAILBOX" "MISSING_DOMAIN")(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")' +
      '("Mary Smith" NIL "mary" "x.test")) NIL NIL)',
    'an empty Sender defaults to From (RFC 3501 §7.4.2)',
  );
  t.same(s.envelope.cc, [
    { name: null, adl: null, mailbox: 'Undisclosed recipients', host: null },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
});

t.test('address details: domain literals, escaped and nested comments, obsolete spacing', async (t) => {
  const s = parseMessage(
    crlf('To: <u@[192.0.2.1]>, x@y.test (Real \\(Name\\) (nested)), "a\\"b" <a@b.test>, Dr. Who <who@tardis.test>, john . doe @ example . com\n\nx'),
  );
  t.same(s.envelope.to, [
    { name: null, adl: null, mailbox: 'u', host: '[192.0.2.1]' },
    { name: 'Real (Name) (nested)', adl: null, mailbox: 'x', host: 'y.test' },
    { name: 'a"b', adl: null, mailbox: 'a', host: 'b.test' },
    { name: 'Dr. Who', adl: null, mailbox: 'who', host: 'tardis.test' },
    { name: null, adl: null, mailbox: 'john.doe', host: 'example.com' },
  ]);
});

t.test('other shapes in and out: Uint8Array views, a part or an envelope alone', async (t) => {
  // What a bytea column gives back: a Uint8Array, possibly a view into a larger buffer.
  const backing = Buffer.concat([Buffer.from('junk', 'latin1'), FORWARD]);
  const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, FORWARD.length);
  t.same(parseMessage(view), parseMessage(FORWARD));
  const s = parseMessage(FORWARD);
  t.equal(renderBodyStructure(s.body.parts[0], false), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 0)');
  t.equal(renderEnvelope(s.envelope), renderEnvelope(s));
  // MIME needs a part number; a hand-built spec without one names nothing.
  t.equal(extractSection(FORWARD, s, { part: [], text: 'MIME', fields: [] }).length, 0);
});

t.test('missing headers are NIL; present but empty ones are ""', async (t) => {
  const none = crlf('\nbody text\n');
  const s = parseMessage(none);
  t.equal(renderEnvelope(s), '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
  t.equal(renderBodyStructure(s, true), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 11 1 NIL NIL NIL NIL)');
  t.match(s.body, { headerStart: 0, headerEnd: 0, bodyStart: 2 });
  t.equal(section(none, s, 'HEADER'), '\r\n');
  t.equal(section(none, s, 'HEADER.FIELDS (FROM)'), '\r\n', 'nothing matches; the blank line stays');
  t.equal(section(none, s, 'TEXT'), 'body text\r\n');

  const empty = parseMessage(crlf('Subject:\nDate: \nMessage-ID:\nTo:\nIn-Reply-To: <x@y>\n\n'));
  t.equal(renderEnvelope(empty), '("" "" NIL NIL NIL NIL NIL NIL "<x@y>" "")');
});

t.test('LF-only messages: offsets and sizes are of the bytes stored', async (t) => {
  // Dovecot reports sizes as if every LF were CRLF ("virtual" sizes: 10 below); exogate sends
  // the stored bytes, so it reports them: BODY[1] is 9 octets here and BODYSTRUCTURE says so.
  const raw = Buffer.from(ALTERNATIVE.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
  const s = parseMessage(raw);
  t.equal(
    renderBodyStructure(s, false),
    '(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 9 1)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 0) "ALTERNATIVE")',
  );
  t.equal(section(raw, s, '1'), 'Hi there\n');
  t.equal(section(raw, s, '1.MIME'), 'Content-Type: text/plain; charset=utf-8\n\n');
  t.equal(section(raw, s, 'HEADER.FIELDS (subject)'), 'Subject: alt\n\n', 'the blank line as it is stored');
  t.equal(section(raw, s, 'HEADER'), raw.toString('latin1', 0, raw.indexOf('\n\n') + 2));
  t.equal(renderEnvelope(s), renderEnvelope(parseMessage(ALTERNATIVE)));
});

t.test('malformed input: no throw, and a sane structure', async (t) => {
  t.test('empty', async (t) => {
    const s = parseMessage(Buffer.alloc(0));
    t.equal(renderEnvelope(s), '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
    t.equal(renderBodyStructure(s, true), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)');
    for (const spec of ['', 'HEADER', 'TEXT', '1', '1.MIME', 'HEADER.FIELDS (A)']) t.equal(section(Buffer.alloc(0), s, spec), '');
  });

  t.test('no blank line: all header, no body, and HEADER.FIELDS adds no blank line (RFC 3501 §6.4.5)', async (t) => {
    const raw = crlf('Subject: hi\nFrom: a@b.test\n');
    const s = parseMessage(raw);
    t.match(s.body, { headerEnd: raw.length, bodyStart: raw.length, bodyEnd: raw.length, size: 0, lines: 0 });
    t.equal(s.envelope.subject, 'hi');
    t.equal(section(raw, s, 'HEADER'), raw.toString('latin1'));
    t.equal(section(raw, s, 'TEXT'), '');
    t.equal(section(raw, s, 'HEADER.FIELDS (SUBJECT)'), 'Subject: hi\r\n');
    const cut = Buffer.from('Subject: no line break', 'latin1');
    t.equal(section(cut, parseMessage(cut), 'HEADER.FIELDS (SUBJECT)'), 'Subject: no line break\r\n', 'a last line without its break is completed');
  });

  t.test('multipart without a boundary, or whose boundary never comes: one empty text part, as Dovecot', async (t) => {
    for (const ct of ['multipart/mixed', 'multipart/mixed; boundary=""', 'multipart/mixed; boundary=zzz']) {
      const raw = crlf(`Content-Type: ${ct}\n\nsome text\n--other\nmore\n`);
      const s = parseMessage(raw);
      t.equal(renderBodyStructure(s, false), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) "MIXED")', ct);
      t.match(renderBodyStructure(s, true), /^\(\("TEXT" "PLAIN" \("CHARSET" "US-ASCII"\) NIL NIL "7BIT" 0 0 NIL NIL NIL NIL\) "MIXED" /);
      t.equal(section(raw, s, 'TEXT'), 'some text\r\n--other\r\nmore\r\n');
      t.equal(section(raw, s, '1'), '', ct);
    }
  });

  t.test('an unterminated multipart runs to the end', async (t) => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfirst\n--b\n\nlast part, no close');
    const s = parseMessage(raw);
    t.equal(renderBodyStructure(s, false), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 0)("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 19 0) "MIXED")');
    t.equal(section(raw, s, '2'), 'last part, no close');
    t.equal(section(raw, s, '2.MIME'), '\r\n', 'a part without headers has just its blank line');
  });

  t.test("an inner multipart never closed is ended by its parent's boundary", async (t) => {
    const raw = crlf(
      'Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\n\ninner text\n--outer\n\nsecond\n--outer--\n',
    );
    const s = parseMessage(raw);
    t.equal(
      renderBodyStructure(s, false),
      '((("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 0) "ALTERNATIVE")("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 6 0) "MIXED")',
    );
    t.equal(section(raw, s, '1.1'), 'inner text');
    t.equal(section(raw, s, '2'), 'second');
  });

  t.test('boundaries are prefixes: longest match wins, then the innermost (Dovecot test-message-parser.c)', async (t) => {
    // "continuing mime boundary": outer "a", inner "ab"; the line "--ab" is the inner's.
    let raw = crlf('Content-Type: multipart/mixed; boundary="a"\n\n--a\nContent-Type: multipart/mixed; boundary="ab"\n\n--ab\nContent-Type: text/plain\n\nbody\n');
    let s = parseMessage(raw);
    t.equal(s.body.parts.length, 1);
    t.equal(s.body.parts[0].parts.length, 1);
    t.equal(section(raw, s, '1.1'), 'body\r\n');
    // "garbage suffix": "--ab" is a delimiter of boundary "a" (RFC 2046: only the prefix must match).
    raw = crlf('Content-Type: multipart/mixed; boundary="a"\n\n--ab\nContent-Type: multipart/mixed; boundary="a"\n\n--ac\nContent-Type: text/plain\n\nbody\n');
    s = parseMessage(raw);
    t.equal(s.body.parts.length, 1);
    t.equal(s.body.parts[0].parts.length, 1);
    t.equal(section(raw, s, '1.1'), 'body\r\n');
    // "truncated mime headers 2": the blank line before an enclosing boundary is that boundary's line break.
    raw = crlf('Content-Type: multipart/mixed; boundary="ab"\n\n--ab\nContent-Type: multipart/mixed; boundary="a"\n\n--ab\nContent-Type: text/plain\n\n--a\n\n');
    s = parseMessage(raw);
    t.equal(s.body.parts.length, 2);
    t.match(s.body.parts[0], { type: 'multipart', size: 0 });
    t.equal(s.body.parts[0].parts.length, 0);
    t.equal(section(raw, s, '1.MIME'), 'Content-Type: multipart/mixed; boundary="a"\r\n', 'no blank line: it belongs to the boundary');
    t.equal(section(raw, s, '2'), '--a\r\n\r\n', '"--a" is no delimiter of "ab"');
    // "trailing dashes": boundaries ending in dashes.
    raw = crlf('Content-Type: multipart/mixed; boundary="a--"\n\n--a--\nContent-Type: multipart/mixed; boundary="a----"\n\n--a----\nContent-Type: text/plain\n\nbody\n--a------\nContent-Type: text/html\n\nbody2\n--a----');
    s = parseMessage(raw);
    t.equal(s.body.parts.length, 1);
    t.equal(s.body.parts[0].parts.length, 1);
    t.equal(section(raw, s, '1.1'), 'body');
  });

  t.test('an empty part on an enclosing boundary stays inside its parent', async (t) => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/mixed; boundary=inner\n\n--inner\n--outer--\n');
    const s = parseMessage(raw);
    t.same(invariantFailures(s, raw.length), []);
    t.equal(section(raw, s, '1'), '--inner\r\n');
    t.equal(section(raw, s, '1.1'), '');
  });

  t.test('empty parts and a boundary right at the body start', async (t) => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\nX: y\n--b--');
    const s = parseMessage(raw);
    t.equal(s.body.parts.length, 2);
    t.equal(section(raw, s, '1'), '');
    t.equal(section(raw, s, '1.MIME'), '');
    t.equal(section(raw, s, '2.MIME'), 'X: y', 'a header cut short by a boundary leaves its last line break to the boundary');
    t.equal(renderBodyStructure(s, false), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) "MIXED")');
  });

  t.test('unreadable Content-* fields fall back to RFC 2045 defaults; the first of each counts', async (t) => {
    const cases: [string, string][] = [
      ['Content-Type: garbage', '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0)'],
      ['Content-Type: text', '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0)'],
      ['Content-Type: /plain', '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0)'],
      ['Content-Type: image/gif\nContent-Type: text/html', '("IMAGE" "GIF" NIL NIL NIL "7BIT" 1)'],
      ['Content-Transfer-Encoding: ?invalid', '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0)'],
      ['Content-Transfer-Encoding: base64 junk', '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0)'],
      ['Content-Transfer-Encoding: (comment) Base64', '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "BASE64" 1 0)'],
      // Comments and blanks around tokens, a quoted pair, empty and value-less parameters
      // dropped, an unquoted value with tspecials kept whole.
      [
        'Content-Type: Text/Plain (a comment) ; Charset = "utf\\"8" ;; junk ; format=flowed; name=a;b; boundary=----=_Part_1',
        '("TEXT" "PLAIN" ("CHARSET" "utf\\"8" "FORMAT" "flowed" "NAME" "a" "BOUNDARY" "----=_Part_1") NIL NIL "7BIT" 1 0)',
      ],
    ];
    for (const [header, body] of cases) t.equal(renderBodyStructure(parseMessage(crlf(`${header}\n\nx`)), false), body, header);
  });

  t.test('multipart/digest parts default to message/rfc822 (RFC 2046 §5.1.5)', async (t) => {
    const raw = crlf('Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d--\n');
    const s = parseMessage(raw);
    t.equal(
      renderBodyStructure(s, false),
      '(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 21 (NIL "one" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 0) 2) "DIGEST")',
    );
    t.equal(section(raw, s, '1.HEADER'), 'Subject: one\r\n\r\n');
  });

  t.test('a message/rfc822 part with no body still renders a valid structure', async (t) => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n--b--\n');
    const s = parseMessage(raw);
    t.equal(
      renderBodyStructure(s, false),
      '(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 0 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) 0) "MIXED")',
    );
  });

  t.test('random bytes, NULs, bare CRs, huge header lines', async (t) => {
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let n = 0; n < 50; n++) {
      const raw = Buffer.alloc(Math.floor(random() * 2000));
      for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(random() * 256);
      const s = parseMessage(raw);
      t.equal(s.body.bodyEnd, raw.length);
      renderEnvelope(s);
      renderBodyStructure(s, true);
    }
    const odd = Buffer.from('Subject: a\0b\rc\r\nFrom: \xff\xfe <x@y>\r\r\n\r\nbody\r', 'latin1');
    const s = parseMessage(odd);
    // NUL is stored and sent as 0x80 (as Dovecot): jsonb refuses \u0000, IMAP strings cannot hold it.
    t.equal(renderEnvelope(s), '(NIL {5}\r\na\x80b\rc (({2}\r\n\xff\xfe NIL "x" "y")) (({2}\r\n\xff\xfe NIL "x" "y")) (({2}\r\n\xff\xfe NIL "x" "y")) NIL NIL NIL NIL NIL)');
    t.notMatch(JSON.stringify(s), /\\u0000/, 'nothing jsonb would refuse');

    const started = performance.now();
    const huge = Buffer.concat([
      Buffer.from('Subject: ', 'latin1'),
      Buffer.alloc(5_000_000, 'a'),
      Buffer.from(`\r\n${' \t'.repeat(100_000)}X: y\r\n${'no colon here\r\n'.repeat(100_000)}To: ${'x@y, '.repeat(50_000)}\r\n\r\nbody`, 'latin1'),
    ]);
    const big = parseMessage(huge);
    t.equal(big.envelope.subject?.length, 5_000_000 + 200_000 + 4, 'the folded tail belongs to the subject');
    t.equal(big.envelope.to?.length, 50_000);
    t.equal(section(huge, big, 'TEXT'), 'body');
    t.ok(performance.now() - started < 10_000, 'linear in the header size');
  });
});

t.test('every section form, parsed case-insensitively; malformed ones refused', async (t) => {
  const ok: [string, SectionSpec][] = [
    ['', { part: [], text: null, fields: [] }],
    ['HEADER', { part: [], text: 'HEADER', fields: [] }],
    ['header', { part: [], text: 'HEADER', fields: [] }],
    ['Text', { part: [], text: 'TEXT', fields: [] }],
    ['HEADER.FIELDS (FROM TO)', { part: [], text: 'HEADER.FIELDS', fields: ['FROM', 'TO'] }],
    ['header.fields.not (Subject "X-Odd Name")', { part: [], text: 'HEADER.FIELDS.NOT', fields: ['Subject', 'X-Odd Name'] }],
    ['1', { part: [1], text: null, fields: [] }],
    ['1.2', { part: [1, 2], text: null, fields: [] }],
    ['1.2.MIME', { part: [1, 2], text: 'MIME', fields: [] }],
    ['1.2.mime', { part: [1, 2], text: 'MIME', fields: [] }],
    ['1.HEADER', { part: [1], text: 'HEADER', fields: [] }],
    ['2.1.TEXT', { part: [2, 1], text: 'TEXT', fields: [] }],
    ['3.HEADER.FIELDS (SUBJECT)', { part: [3], text: 'HEADER.FIELDS', fields: ['SUBJECT'] }],
    ['4294967295', { part: [4294967295], text: null, fields: [] }],
  ];
  for (const [spec, want] of ok) t.same(parseSection(spec), want, JSON.stringify(spec));
  const bad = ['0', '01', '1.', '.1', '1..2', 'MIME', 'HEADER.FIELDS', 'HEADER.FIELDS ()', 'HEADER.FIELDS (A', 'HEADER.FIELDS (A) x', 'FOO', '1.FOO', 'HEADER ', ' HEADER', '4294967296', '1.2.MIME.X', '1.0', 'HEADER.FIELDS ("A)', 'HEADER.FIELDS.NOT'];
  for (const spec of bad) t.equal(parseSection(spec), null, JSON.stringify(spec));

  t.equal(renderSection(parseSection('1.2.mime')!), '1.2.MIME');
  t.equal(renderSection(parseSection('header.fields (from "X Y")')!), 'HEADER.FIELDS (from "X Y")');
  t.equal(renderSection(parseSection('3.header.fields.not (To)')!), '3.HEADER.FIELDS.NOT (To)');
  t.equal(renderSection(parseSection('')!), '');
  t.equal(renderSection(parseSection('2.1')!), '2.1');
});

t.test('HEADER.FIELDS matches names case-insensitively, keeps repeats and folding; .NOT keeps the rest', async (t) => {
  const raw = crlf('Received: one\n  continued\nSubject: s\nreceived: two\nX-Empty:\nNot a field\nSubject : spaced\n\nbody');
  const s = parseMessage(raw);
  t.equal(section(raw, s, 'HEADER.FIELDS (RECEIVED)'), 'Received: one\r\n  continued\r\nreceived: two\r\n\r\n');
  t.equal(section(raw, s, 'HEADER.FIELDS (subject x-empty)'), 'Subject: s\r\nX-Empty:\r\nSubject : spaced\r\n\r\n');
  t.equal(section(raw, s, 'HEADER.FIELDS.NOT (received SUBJECT)'), 'X-Empty:\r\nNot a field\r\n\r\n');
  t.equal(section(raw, s, 'HEADER.FIELDS (Nothing)'), '\r\n');
  t.equal(s.envelope.subject, 'spaced', 'of two Subject fields the last counts, as in Dovecot');
});

t.test(`a 20,000-part message: ${MAX_PARTS} entities described, in bounded time`, async (t) => {
  let text = 'Content-Type: multipart/mixed; boundary=P\r\n\r\n';
  for (let i = 1; i <= 20_000; i++) text += `--P\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`;
  text += '--P--\r\n';
  const raw = Buffer.from(text, 'latin1');
  const started = performance.now();
  const s = parseMessage(raw);
  const rendered = renderBodyStructure(s, true);
  t.ok(performance.now() - started < 10_000, `parsed and rendered in ${Math.round(performance.now() - started)} ms`);
  t.equal(s.body.parts.length, MAX_PARTS - 1, 'the root counts as one');
  t.equal(s.truncated, true);
  t.equal(s.body.bodyEnd, raw.length, 'the multipart still ends where it ends');
  t.equal(section(raw, s, '1'), 'part 1');
  t.equal(section(raw, s, String(MAX_PARTS - 1)), `part ${MAX_PARTS - 1}`);
  t.equal(section(raw, s, String(MAX_PARTS)), '', 'parts past the limit are not addressable');
  t.equal(rendered.split('"PLAIN"').length - 1, MAX_PARTS - 1);
  t.ok(rendered.endsWith(' "MIXED" ("BOUNDARY" "P") NIL NIL NIL)'));
});

t.test('1,000-deep nesting stops at MAX_DEPTH, in bounded time', async (t) => {
  t.test('multiparts', async (t) => {
    let text = '';
    // Boundaries that are not prefixes of one another ("b1z" is no prefix of "b10z").
    for (let d = 0; d < 1000; d++) text += `Content-Type: multipart/mixed; boundary=b${d}z\r\n\r\n--b${d}z\r\n`;
    text += 'Content-Type: text/plain\r\n\r\ndeep\r\n';
    for (let d = 999; d >= 0; d--) text += `--b${d}z--\r\n`;
    const raw = Buffer.from(text, 'latin1');
    const started = performance.now();
    const s = parseMessage(raw);
    const body = renderBodyStructure(s, false);
    t.ok(performance.now() - started < 5_000);
    const entities = walk(s.body);
    t.equal(Math.max(...entities.map((e) => e.depth)), MAX_DEPTH);
    const deepest = entities.find((e) => e.depth === MAX_DEPTH)!.part;
    t.match(deepest, { type: 'multipart', opaque: true });
    t.equal(deepest.parts.length, 0);
    t.equal(s.truncated, true);
    // An opaque multipart cannot be written as one: it is written as an octet stream.
    t.equal(body.split('"MIXED"').length - 1, MAX_DEPTH);
    t.ok(body.startsWith(`${'('.repeat(MAX_DEPTH + 1)}"APPLICATION" "OCTET-STREAM" ("BOUNDARY" "b${MAX_DEPTH}z") NIL NIL "7BIT" `));
    const path = Array(MAX_DEPTH).fill('1').join('.');
    t.ok(section(raw, s, path).startsWith(`--b${MAX_DEPTH}z\r\n`), 'the opaque part is fetched whole');
    t.equal(section(raw, s, `${path}.1`), '');
    t.equal(s.body.bodyEnd, raw.length);
  });

  t.test('message/rfc822 inside message/rfc822', async (t) => {
    let text = '';
    for (let d = 0; d < 1000; d++) text += `Subject: level ${d}\r\nContent-Type: message/rfc822\r\n\r\n`;
    text += 'Subject: bottom\r\n\r\nbody\r\n';
    const raw = Buffer.from(text, 'latin1');
    const s = parseMessage(raw);
    const entities = walk(s.body);
    t.equal(Math.max(...entities.map((e) => e.depth)), MAX_DEPTH);
    t.match(entities[entities.length - 1].part, { type: 'message', subtype: 'rfc822', opaque: true, message: null });
    const body = renderBodyStructure(s, true);
    t.equal(body.split('"RFC822"').length - 1, MAX_DEPTH);
    t.equal(body.split('"OCTET-STREAM"').length - 1, 1);
    t.equal(section(raw, s, '1.1.HEADER'), 'Subject: level 2\r\nContent-Type: message/rfc822\r\n\r\n');
  });
});

t.test('imapString: NIL, quoted when safe, literal otherwise', async (t) => {
  t.equal(imapString(null), 'NIL');
  t.equal(imapString(''), '""');
  t.equal(imapString('plain text'), '"plain text"');
  t.equal(imapString('say "hi" \\ bye'), '"say \\"hi\\" \\\\ bye"');
  t.equal(imapString('two\r\nlines'), '{10}\r\ntwo\r\nlines');
  t.equal(imapString('lf\nonly'), '{7}\r\nlf\nonly');
  t.equal(imapString('nul\0'), '{4}\r\nnul\x80', 'NUL, which no IMAP string may hold, as 0x80');
  t.equal(imapString(Buffer.from('a\0b', 'latin1')), '{3}\r\na\x80b');
  t.equal(imapString('caf\xe9'), '{4}\r\ncaf\xe9', 'a latin1 byte string stays as it is');
  t.equal(imapString('café €'), `{9}\r\n${Buffer.from('café €', 'utf8').toString('latin1')}`, 'characters above U+00FF: sent as UTF-8');
  t.equal(imapString(Buffer.from('Grüße', 'utf8')), `{7}\r\n${Buffer.from('Grüße', 'utf8').toString('latin1')}`);
  t.equal(imapString(Buffer.from('ok')), '"ok"');
});

const SAMPLES: Record<string, Buffer> = {
  rfc3501: RFC3501_SAMPLE,
  alternative: ALTERNATIVE,
  mixed: MIXED,
  nested: NESTED,
  forward: FORWARD,
};

const SECTIONS = ['', 'HEADER', 'TEXT', '1', '2', '1.1', '1.2', '2.1', '1.MIME', '2.MIME', '2.HEADER', '2.TEXT', 'HEADER.FIELDS (FROM SUBJECT)', 'HEADER.FIELDS.NOT (TO)', '2.HEADER.FIELDS (SUBJECT)'];

t.test('the structure survives JSON: it renders and slices identically', async (t) => {
  for (const [name, raw] of Object.entries(SAMPLES)) {
    const s = parseMessage(raw);
    const stored = JSON.parse(JSON.stringify(s)) as MessageStructure;
    t.same(stored, s, name);
    t.equal(renderEnvelope(stored), renderEnvelope(s), `${name} ENVELOPE`);
    t.equal(renderBodyStructure(stored, true), renderBodyStructure(s, true), `${name} BODYSTRUCTURE`);
    t.equal(renderBodyStructure(stored, false), renderBodyStructure(s, false), `${name} BODY`);
    for (const spec of SECTIONS) t.equal(section(raw, stored, spec), section(raw, s, spec), `${name} BODY[${spec}]`);
  }
});

// Dovecot's own expectations (src/lib-imap/test-imap-bodystructure.c, parse_tests). Its sizes are
// CRLF-based, so its LF messages are given CRLF here; its strings are lower case where ours follow
// RFC 3501's upper case, so the comparison ignores case. Its root has no outer parentheses.
const DOVECOT: { message: string; bodystructure: string; body?: string }[] = [
  {
    message: 'From: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nbody\n',
    bodystructure: '"text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL',
    body: '"text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1',
  },
  {
    message:
      'From: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nbody\n\n',
    bodystructure: '"text" "plain" ("charset" "utf-8") NIL NIL "8bit" 8 2 NIL NIL NIL NIL',
    body: '"text" "plain" ("charset" "utf-8") NIL NIL "8bit" 8 2',
  },
  {
    message:
      'From: user@domain.org\nDate: Sat, 24 Mar 2007 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: multipart/mixed; boundary="foo\n bar"\n\n--foo bar\nContent-Type: text/x-myown; charset=us-ascii\n\nhello\n\n--foo bar--\n\n',
    bodystructure: '("text" "x-myown" ("charset" "us-ascii") NIL NIL "7bit" 7 1 NIL NIL NIL NIL) "mixed" ("boundary" "foo bar") NIL NIL NIL',
    body: '("text" "x-myown" ("charset" "us-ascii") NIL NIL "7bit" 7 1) "mixed"',
  },
  {
    message:
      'From: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: multipart/mixed; boundary="foo bar"\n\n--foo bar\nContent-Type: text/plain; charset=us-ascii\n\nSee attached...\n\n--foo bar\nContent-Type: message/rfc822\n\nFrom: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nbody\n\n--foo bar--\n\n',
    bodystructure:
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 17 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 133 ("Sat, 24 Mar 2017 23:00:00 +0200" NIL ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL) 6 NIL NIL NIL NIL) "mixed" ("boundary" "foo bar") NIL NIL NIL',
    body: '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 17 1)("message" "rfc822" NIL NIL NIL "7bit" 133 ("Sat, 24 Mar 2017 23:00:00 +0200" NIL ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1) 6) "mixed"',
  },
  {
    message:
      'From: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: multipart/mixed; boundary="foo bar"\n\n--foo bar\nContent-Type: text/plain; charset=us-ascii\nContent-ID: <A.frop.example.com>\nContent-Description: Container message\n\nSee attached...\n\n--foo bar\nContent-Type: message/rfc822\nContent-ID: <B.frop.example.com>\nContent-Description: Forwarded\n\nFrom: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nbody\n\n--foo bar--\n',
    bodystructure:
      '("text" "plain" ("charset" "us-ascii") "<A.frop.example.com>" "Container message" "7bit" 17 1 NIL NIL NIL NIL)("message" "rfc822" NIL "<B.frop.example.com>" "Forwarded" "7bit" 133 ("Sat, 24 Mar 2017 23:00:00 +0200" NIL ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL) 6 NIL NIL NIL NIL) "mixed" ("boundary" "foo bar") NIL NIL NIL',
  },
  {
    message:
      'From: user@domain.org\nDate: Sat, 24 Mar 2007 23:00:00 +0200\nMime-Version: 1.0\nContent-Type: multipart/mixed; boundary="foo\n bar"\n\nRoot MIME prologue\n\n--foo bar\nContent-Type: text/x-myown; charset=us-ascii; foo="quoted\\"string"\nContent-ID: <foo@example.com>\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\nContent-Disposition: inline; foo=bar\nContent-Description: hellodescription\nContent-Language: en, fi, se\nContent-Location: http://example.com/test.txt\n\nhello\n\n--foo bar\nContent-Type: message/rfc822\n\nFrom: sub@domain.org\nTo: sub-to1@domain.org, sub-to2@domain.org\nDate: Sun, 12 Aug 2012 12:34:56 +0300\nSubject: submsg\nContent-Type: multipart/alternative; boundary="sub1"\n\nSub MIME prologue\n--sub1\nContent-Type: text/html\nContent-Transfer-Encoding: 8bit\n\n<p>Hello world</p>\n\n--sub1\nContent-Type: text/plain\nContent-Transfer-Encoding: ?invalid\n\nHello another world\n\n--sub1--\nSub MIME epilogue\n\n--foo bar--\nRoot MIME epilogue\n',
    bodystructure:
      '("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" "hellodescription" "7bit" 7 1 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" ("foo" "bar")) ("en" "fi" "se") "http://example.com/test.txt")("message" "rfc822" NIL NIL NIL "7bit" 412 ("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) (("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1 NIL NIL NIL NIL) "alternative" ("boundary" "sub1") NIL NIL NIL) 21 NIL NIL NIL NIL) "mixed" ("boundary" "foo bar") NIL NIL NIL',
  },
  {
    message: 'Content-Type: multipart/mixed; boundary="foo"\n\n',
    bodystructure: '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "foo") NIL NIL NIL',
    body: '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0) "mixed"',
  },
];

t.test("Dovecot's BODYSTRUCTURE tests agree, case aside", async (t) => {
  for (const [i, c] of DOVECOT.entries()) {
    const s = parseMessage(crlf(c.message));
    t.equal(renderBodyStructure(s, true).toLowerCase(), `(${c.bodystructure})`.toLowerCase(), `BODYSTRUCTURE [${i}]`);
    if (c.body) t.equal(renderBodyStructure(s, false).toLowerCase(), `(${c.body})`.toLowerCase(), `BODY [${i}]`);
  }
});

t.test('mangled samples never break the invariants', async (t) => {
  let seed = 42;
  const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
  const pieces = ['\0', '--inner\r\n', '--inner--', '--==mix==\r\n', '\r\n', '\n', '--', '--fwd', '--outer\r\n', '--b1--\r\n', '\r\n\r\n', 'Content-Type: multipart/mixed; boundary=outer\r\n', 'Content-Type: message/rfc822\r\n', ':', ' ', '"', '(', '<'];
  const failures: string[] = [];
  for (const [name, sample] of Object.entries(SAMPLES)) {
    for (let n = 0; n < 200; n++) {
      let bytes = Buffer.from(sample);
      for (let k = 1 + random(4); k > 0; k--) {
        const at = random(bytes.length + 1);
        const op = random(4);
        if (op === 0) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pieces[random(pieces.length)], 'latin1'), bytes.subarray(at)]);
        else if (op === 1) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + random(40)))]);
        else if (op === 2 && at < bytes.length) bytes[at] = random(256);
        else bytes = bytes.subarray(0, at);
      }
      const s = parseMessage(bytes);
      for (const failure of invariantFailures(s, bytes.length)) failures.push(`${name}#${n} ${failure}`);
      renderEnvelope(s);
      renderBodyStructure(s, true);
      for (const spec of SECTIONS) extractSection(bytes, s, parseSection(spec)!);
      const json = JSON.stringify(s);
      if (JSON.stringify(JSON.parse(json)) !== json || json.includes('\\u0000')) failures.push(`${name}#${n}: JSON`);
    }
  }
  t.same(failures, []);
});
