// Runs every golden transcript under test/transcripts/pop3/ against one gateway, in the style of
// the SMTP ones: `C:` lines are sent as written (pipelined until the next `S:`), `S:` lines must
// come back byte for byte but for placeholders (test/helpers/transcript.ts); `> connect pop3` or
// `> connect pop3s` opens the session, `> stls` upgrades it, `> closed` expects the server to hang up.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Gateway } from '../../index.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { linePattern } from '../helpers/transcript.js';
import { CLASSIC_CLOCK, Pop3Wire } from './pop3-wire.js';

const DIR = fileURLToPath(new URL('../../../test/transcripts/pop3/', import.meta.url));

/** What every transcript's mailbox (tx1, tx2, tx3 @contoso.com) holds: 87 and 25 octets. */
const MESSAGES = ['From: Ann <ann@example.org>\r\nSubject: hello\r\n\r\nfirst line\r\n.a line with a leading dot\r\n', 'Subject: second\r\n\r\nbody\r\n'];

async function runTranscript(file: string, gw: Gateway): Promise<string | null> {
  const lines = readFileSync(file, 'utf8').split('\n');
  let wire: Pop3Wire | null = null;
  let sent: string[] = [];
  try {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const where = `${file}:${i + 1}`;
      if (!line || line.startsWith('#')) continue;
      const connect = /^> connect (pop3s?)$/.exec(line);
      if (connect) {
        wire = await Pop3Wire.open(connect[1] === 'pop3s' ? gw.ports.pop3s : gw.ports.pop3, { tls: connect[1] === 'pop3s', ca: gw.caCert });
        continue;
      }
      if (!wire) throw new Error(`${where}: "> connect" must come first`);
      if (line.startsWith('C:')) {
        sent.push(line.slice(3));
        continue;
      }
      if (sent.length) {
        wire.write(`${sent.join('\r\n')}\r\n`);
        sent = [];
      }
      if (line.startsWith('S:')) {
        const expected = line.slice(3);
        const actual = await wire.line();
        if (!linePattern(expected).test(actual)) return `${where}\n  expected: ${expected}\n  actual:   ${actual}`;
      } else if (line === '> stls') {
        await wire.stls(gw.caCert);
      } else if (line === '> closed') {
        if (!(await wire.closedByServer())) return `${where}: the server kept the connection open`;
      } else {
        throw new Error(`${where}: cannot read "${line}"`);
      }
    }
    if (wire?.unread) return `${file}: unexpected extra lines: ${JSON.stringify(wire.unread)}`;
    return null;
  } finally {
    wire?.end();
  }
}

t.test('golden POP3 transcripts (classic front end)', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: CLASSIC_CLOCK });
  await gw.seed({ tenants: [{ name: 'contoso', users: [1, 2, 3].map((n) => ({ upn: `tx${n}@contoso.com`, password: 'Tx-Passw0rd!' })) }] });
  for (const n of [1, 2, 3]) {
    const id = gw.core.directory.userByUpn(`tx${n}@contoso.com`)!.id;
    for (const m of MESSAGES) await gw.core.mail.deliver(id, Buffer.from(m));
  }
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
  t.ok(files.length >= 3, 'the transcripts are found');
  for (const file of files) {
    const failure = await runTranscript(`${DIR}${file}`, gw);
    t.ok(failure === null, file, { failure });
    if (failure) t.comment(failure);
  }
  const left = await gw.core.mail.messages(gw.core.directory.userByUpn('tx2@contoso.com')!.id);
  t.same(
    left.map((m) => m.body.toString().split('\r\n')[0]),
    ['From: Ann <ann@example.org>'],
    '02: only what was marked at QUIT is gone',
  );
  t.notOk(left[0].flags.includes('\\Seen'), '02: and RSET forgot that message 1 had been read');
});
