// Malformed input on the IMAP wire gets BAD or BYE as the reference and RFC 3501 say, and never
// a crash: unknown commands, unbalanced parentheses, huge literals, binary garbage, a literal
// that never ends, a flood of commands, a thousand connections from one address.
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { ImapWire, imapsSession } from '../helpers/imap-wire.js';

t.test('bad input', async (t) => {
  const gw = await bootGateway(t, {
    seed: BASE_SEED,
    clock: '2024-03-01T00:00:00Z',
    limits: { mailMaxLineBytes: 8192, imapMaxLiteralBytes: 4096, imapMaxAppendBytes: 64 * 1024, mailPreAuthIdleMs: 1500, maxConnectionsPerIp: 100 },
  });
  const port = gw.ports.imaps;

  const stillServes = async (what: string) => {
    const { wire } = await imapsSession(port, gw.caCert);
    t.same(await wire.command('ok', 'LOGIN alice@contoso.com Alice-Passw0rd!'), ['ok OK LOGIN completed.'], `still serving after ${what}`);
    wire.end();
  };

  t.test('unknown commands, missing tags, wrong arguments', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    t.same(await wire.command('a1', 'FROBNICATE'), ['a1 BAD Command Error. 12']);
    wire.send('');
    t.equal(await wire.line(), '* BAD Command Error. 12', 'an empty line');
    wire.send('justatag');
    t.equal(await wire.line(), 'justatag BAD Command Error. 12', 'a tag without a command');
    t.same(await wire.command('a2', 'LOGIN onlyoneargument'), ['a2 BAD Command Argument Error. 11']);
    t.same(await wire.command('a3', 'SELECT INBOX'), ['a3 BAD Command received in Invalid state.'], 'SELECT before sign-in');
    t.same(await wire.command('a4', 'LOGIN "unterminated'), ['a4 BAD Command Argument Error. 12']);
    wire.end();
  });

  t.test('unbalanced parentheses and brackets', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    await wire.command('l', 'LOGIN alice@contoso.com Alice-Passw0rd!');
    await wire.command('s', 'SELECT INBOX');
    t.same(await wire.command('p1', 'FETCH 1:* (FLAGS UID'), ['p1 BAD Command Argument Error. 12']);
    t.same(await wire.command('p2', 'FETCH 1:* FLAGS)'), ['p2 BAD Command Argument Error. 12']);
    t.same(await wire.command('p3', 'FETCH 1 BODY[HEADER'), ['p3 BAD Command Argument Error. 12']);
    t.same(await wire.command('p4', `SEARCH ${'('.repeat(200)}ALL${')'.repeat(200)}`), ['p4 BAD Command Argument Error. 12'], 'nesting is bounded');
    t.same(await wire.command('p5', 'STATUS INBOX (MESSAGES BOGUS)'), ['p5 BAD Command Argument Error. 11']);
    wire.end();
  });

  t.test('an overlong line, and an overlong line that never ends', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    wire.send(`a1 LOGIN ${'x'.repeat(10_000)} y`);
    t.equal(await wire.line(), '* BAD Command Error. 10');
    t.same(await wire.command('a2', 'NOOP'), ['a2 OK NOOP completed.'], 'the session goes on');
    wire.write(Buffer.alloc(2 * 1024 * 1024, 0x61)); // 2 MiB, no CRLF
    t.equal(await wire.line(), '* BAD Command Error. 10');
    wire.write(Buffer.from('\r\n'));
    t.same(await wire.command('a3', 'NOOP'), ['a3 OK NOOP completed.']);
    wire.end();
  });

  t.test('huge literals are refused before they are sent', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    await wire.command('l', 'LOGIN alice@contoso.com Alice-Passw0rd!');
    wire.send('h1 LOGIN {999999999}');
    t.equal(await wire.line(), 'h1 BAD Command Error. 10', 'no "+" for a literal over the limit');
    wire.send(`h2 APPEND INBOX {${64 * 1024 + 1}}`);
    t.equal(await wire.line(), 'h2 BAD Command Error. 10', 'APPEND has its own, larger limit');
    wire.send(`h3 APPEND INBOX {${5000}}`);
    t.equal(await wire.line(), '+ Ready for additional command text.', 'but not that large');
    wire.write(Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), Buffer.alloc(5000 - 14, 0x62), Buffer.from('\r\n')]));
    t.match(await wire.until('h3'), [/^h3 OK \[APPENDUID /]);
    wire.send(`h4 CREATE {8000+}\r\n${'z'.repeat(8000)}`);
    t.equal(await wire.line(), 'h4 BAD Command Error. 10', 'a non-synchronizing literal over the limit is skipped as it arrives');
    t.same(await wire.command('h5', 'NOOP'), ['h5 OK NOOP completed.'], 'and the stream stays in step');
    wire.end();
  });

  t.test('binary garbage and NUL bytes', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    wire.write(Buffer.from([0x00, 0xff, 0xfe, 0x16, 0x03, 0x01, 0x0d, 0x0a]));
    t.match(await wire.line(), /^\* BAD Command Error\. 1[12]$/);
    wire.write(Buffer.from('a\xff\xfe LOGIN x y\r\n', 'latin1'));
    t.equal(await wire.line(), '* BAD Command Error. 11', 'a non-ASCII tag');
    wire.write(Buffer.from('a1 L\xd6GIN x y\r\n', 'latin1'));
    t.equal(await wire.line(), 'a1 BAD Command Error. 11', 'a non-ASCII command');
    t.same(await wire.command('a2', 'NOOP'), ['a2 OK NOOP completed.']);
    wire.end();
    await stillServes('binary garbage');
  });

  t.test('a literal that never arrives: the idle timeout ends it', async (t) => {
    const { wire } = await imapsSession(port, gw.caCert);
    wire.send('n1 LOGIN {10}');
    t.equal(await wire.line(), '+ Ready for additional command text.');
    wire.write(Buffer.from('abc')); // and then nothing
    t.equal(await wire.line(5000), '* BYE Connection is closed. 13');
    t.ok(await wire.closedByServer());
  });

  t.test('abrupt disconnects mid-command and mid-TLS', async (t) => {
    const a = await imapsSession(port, gw.caCert);
    a.wire.write(Buffer.from('x1 APPEND INBOX {100+}\r\nhalf a mess'));
    a.wire.end();
    const b = await ImapWire.open(gw.ports.imap);
    await b.line();
    await b.command('s', 'STARTTLS');
    b.write(Buffer.from([0x16, 0x03, 0x01]));
    b.end();
    await new Promise((r) => setTimeout(r, 200));
    await stillServes('abrupt disconnects');
  });

  t.test('a thousand connections from one address: the limit answers BYE', async (t) => {
    const attempts = await Promise.all(
      Array.from({ length: 1000 }, async () => {
        const wire = await ImapWire.open(gw.ports.imap);
        return { wire, line: await wire.line() };
      }),
    );
    const accepted = attempts.filter((a) => a.line.startsWith('* OK '));
    const refused = attempts.filter((a) => a.line === '* BYE Too many concurrent connections.');
    t.equal(accepted.length, 100, 'up to maxConnectionsPerIp');
    t.equal(refused.length, 900, 'the rest told why');
    for (const a of attempts) a.wire.end();
    await new Promise((r) => setTimeout(r, 300));
    await stillServes('a thousand connections');
  });
});

t.test('a command flood is throttled (§2.5)', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T00:00:00Z', limits: { mailCommandsPerSecond: 5, mailCommandBurst: 20 } });
  const { wire } = await imapsSession(gw.ports.imaps, gw.caCert);
  wire.write(Buffer.from(Array.from({ length: 50 }, (_, i) => `n${i} NOOP\r\n`).join('')));
  const lines: string[] = [];
  for (;;) {
    const line = await wire.line().catch(() => null);
    if (line === null) break;
    lines.push(line);
    if (line.startsWith('* NO Request is throttled')) break;
  }
  t.ok(lines.filter((l) => / OK NOOP completed\.$/.test(l)).length >= 20, 'the burst is served');
  t.match(lines[lines.length - 1], /^\* NO Request is throttled\. Suggested Backoff Time: \d+ milliseconds$/);
  t.ok(await wire.closedByServer(), 'then the session ends');
});
