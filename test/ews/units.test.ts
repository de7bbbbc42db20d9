// The pure parts of EWS, without a gateway: the XML reader's strictness, ids, message
// composition (no header injection), and reading bodies and headers out of stored messages.
import t from 'tap';
import { parseMessage } from '../../core/mail/mime.js';
import { composeMessage } from '../../servers/http/ews/compose.js';
import { folderId, itemChangeKey, itemId, parseId } from '../../servers/http/ews/ids.js';
import { bodyOf, decodeHeader } from '../../servers/http/ews/mime-text.js';
import { el, NS, parseXml, renderXml, XmlSyntaxError } from '../../servers/http/ews/xml.js';

/** What a function throws (undefined if it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

t.test('parseXml: namespaces resolved, entities strict, no DTD', async (t) => {
  const root = parseXml(`<a:r xmlns:a="urn:a" xmlns="urn:d" x="1 &amp; 2"><b>&lt;&#233;&#x41;<![CDATA[&raw;]]></b><a:c/></a:r>`);
  t.same([root.ns, root.name, root.attrs.x], ['urn:a', 'r', '1 & 2']);
  t.same(root.children.map((c) => [c.ns, c.name]), [['urn:d', 'b'], ['urn:a', 'c']]);
  t.equal(root.children[0].text, '<éA&raw;', 'predefined entities, character references, CDATA untouched');
  for (const bad of ['<a>&nope;</a>', '<a>&#0;</a>', '<a>\u0001</a>', '<!DOCTYPE a><a/>', '<?xml version="1.0"?><!-- c --><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', '<a><b></a>', '<p:a/>', '<a/><b/>', 'text<a/>']) {
    t.ok(thrown(() => parseXml(bad)) instanceof XmlSyntaxError, JSON.stringify(bad));
  }
  t.ok(thrown(() => parseXml(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`)) instanceof XmlSyntaxError, 'nesting is bounded');
});

t.test('renderXml escapes every value and drops what XML cannot carry', async (t) => {
  const xml = renderXml(el('t:X', { a: '"<&>\'' }, [el('t:Y', null, 'a & <b> ]]> \u0000\u0007ok')]));
  t.equal(xml, '<?xml version="1.0" encoding="utf-8"?><t:X a="&quot;&lt;&amp;&gt;&apos;"><t:Y>a &amp; &lt;b&gt; ]]&gt; ok</t:Y></t:X>');
  t.equal(parseXml(xml.replace(/t:/g, '')).children[0].text, 'a & <b> ]]> ok', 'and reads back');
});

t.test('ids round-trip and refuse what is not theirs', async (t) => {
  const mailbox = '0f0b1a2c-6d2e-4a55-9c1e-b10c4e9a1e9a';
  const folder = '11111111-2222-3333-4444-555555555555';
  const id = itemId(mailbox, folder, 4_000_000_000);
  t.match(id, /^AAMkA/);
  t.same(parseId(id), { kind: 'item', mailboxId: mailbox, folderId: folder, uid: 4_000_000_000 });
  t.same(parseId(folderId({ kind: 'msgfolderroot', mailboxId: mailbox, folderId: '' })), { kind: 'msgfolderroot', mailboxId: mailbox, folderId: '' });
  for (const bad of ['', 'AAAA', '!!!!', 'A'.repeat(500), Buffer.from('hello world, not an id at all.......').toString('base64')]) t.equal(parseId(bad), null, bad.slice(0, 20));
  t.not(itemChangeKey(1, []), itemChangeKey(1, ['\\Seen']));
  t.equal(itemChangeKey(1, ['\\Seen', '\\Flagged']), itemChangeKey(1, ['\\flagged', '\\seen']), 'flag order and case do not matter');
});

t.test('composeMessage: client text cannot add headers', async (t) => {
  const message = parseXml(
    `<t:Message xmlns:t="${NS.types}"><t:Subject>Hi\r\nBcc: victim@example.org</t:Subject><t:Body BodyType="Text">line1\nline2</t:Body>` +
      `<t:ToRecipients><t:Mailbox><t:Name>"Quoted" \\ Name</t:Name><t:EmailAddress>a@example.org</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message>`,
  );
  const composed = composeMessage(message, { name: 'Tom', address: 'tom@tailspin.com' }, new Date('2025-11-04T10:00:00Z'), 'host');
  const text = composed.message.toString();
  t.notMatch(text, /^Bcc:/m);
  t.match(text, /^Subject: =\?utf-8\?B\?/m, 'a subject with a line break is an encoded word');
  t.match(text, /^To: "\\"Quoted\\" \\\\ Name" <a@example.org>\r$/m, 'display names quoted and escaped');
  t.match(text, /^Date: Tue, 04 Nov 2025 10:00:00 \+0000\r$/m);
  t.match(text, /\r\n\r\nline1\r\nline2$/, 'body lines end in CRLF');
  t.equal(decodeHeader(parseMessage(composed.message).envelope.subject), 'Hi\nBcc: victim@example.org', 'and decodes back to what was sent (XML reads CRLF as LF)');
  t.same(composed.rcptTo, ['a@example.org']);
  const bad = parseXml(`<t:Message xmlns:t="${NS.types}"><t:ToRecipients><t:Mailbox><t:EmailAddress>not an address</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message>`);
  t.match(thrown(() => composeMessage(bad, { name: '', address: 'tom@tailspin.com' }, new Date(), 'h')), { reason: 'invalid-recipient' });
});

t.test('bodies and headers of stored messages', async (t) => {
  t.equal(decodeHeader('=?utf-8?B?w5w=?= =?iso-8859-1?Q?ber_Caf=E9?='), 'Über Café', 'adjacent encoded words join');
  t.equal(decodeHeader(Buffer.from('Grüße', 'utf8').toString('latin1')), 'Grüße', 'raw UTF-8 headers');
  const html = Buffer.from('Content-Type: text/html; charset=utf-8\r\n\r\n<p>One &amp; two</p><br>three<unclosed');
  t.same(bodyOf(html, parseMessage(html), 'Text'), { type: 'Text', text: 'One & two\r\n\r\nthree' });
  t.same(bodyOf(html, parseMessage(html), 'Best').type, 'HTML');
  const many = Buffer.from(`Content-Type: text/html\r\n\r\n${'<'.repeat(200_000)}`);
  t.same(bodyOf(many, parseMessage(many), 'Text'), { type: 'Text', text: '' }, 'a pathological body is read in one pass');
});
