// Bad input on the POP3 wire gets an -ERR or the end of the session, never a crash, and the
// gateway keeps serving: unknown commands, IMAP and HTTP on the POP3 port, commands out of
// state, non-ASCII and binary noise, overlong lines, pipelining, abrupt disconnects, a flood of
// connections from one address, command floods, idle sessions, and shutdown.
import { connect as netConnect, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import type { Gateway } from '../../index.js';
import { TEXTS } from '../../servers/pop3/replies.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { CLASSIC_CLOCK, openTls, Pop3Wire, POP_SEED, signedIn, signInWhenFree } from './pop3-wire.js';

const MAX_PER_IP = 50;
const gw = await bootGateway(t, { seed: BASE_SEED, clock: CLASSIC_CLOCK, limits: { maxConnectionsPerIp: MAX_PER_IP } });
await gw.seed(POP_SEED);

/** After each case the gateway must still hold a normal session. */
async function stillServes(t: Test, gateway: Gateway, what: string): Promise<void> {
  const wire = await signInWhenFree(gateway, 'erin@contoso.com', 'Erin-Passw0rd!');
  t.match(await wire.command('STAT'), /^\+OK \d+ \d+$/, `still serving after ${what}`);
  t.equal(await wire.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');
}

async function plainSession(gateway: Gateway): Promise<Pop3Wire> {
  const wire = await Pop3Wire.open(gateway.ports.pop3);
  await wire.line();
  return wire;
}

t.test('unknown commands: Protocol error. 19, and the third ends the session', async (t) => {
  const wire = await plainSession(gw);
  t.equal(await wire.command('a1 CAPABILITY'), '-ERR Protocol error. 19', 'an IMAP command on the POP3 port (§3)');
  t.equal(await wire.command(''), '-ERR Protocol error. 19', 'an empty line');
  t.equal(await wire.command('GET / HTTP/1.1'), '-ERR Protocol error. 20', 'the third');
  t.ok(await wire.closedByServer(), 'closed');
  await stillServes(t, gw, 'unknown commands');
});

t.test('commands in the wrong state, and the words Exchange uses for them', async (t) => {
  const wire = await openTls(gw);
  t.equal(await wire.command('STAT'), '-ERR Command is not valid in this state.');
  t.equal(await wire.command('PASS without-user'), `-ERR ${TEXTS.invalidState.text}`);
  t.equal(await wire.command('retr 1'), '-ERR Command is not valid in this state.', 'commands are case-insensitive');
  t.equal(await wire.line(), 'Connection is closed. 21');
  t.ok(await wire.closedByServer());
  const signed = await signedIn(gw);
  t.equal(await signed.command('USER alice@contoso.com'), '-ERR Command is not valid in this state.', 'USER in TRANSACTION');
  t.equal(await signed.command(`AUTH PLAIN x`), '-ERR Command is not valid in this state.', 'AUTH in TRANSACTION');
  t.equal(await signed.command('QUIT'), '+OK Microsoft Exchange Server POP3 server signing off.');
});

t.test('non-ASCII and binary noise', async (t) => {
  const wire = await plainSession(gw);
  wire.write(Buffer.concat([Buffer.from('USER j'), Buffer.from([0xc3, 0xa4]), Buffer.from('rg@contoso.com\r\n')]));
  t.equal(await wire.line(), '-ERR Protocol error. 17', 'a command outside US-ASCII');
  wire.write(Buffer.from([0x00, 0xff, 0x16, 0x03, 0x01, 0x02, 0x00, 0x0d, 0x0a]));
  t.equal(await wire.line(), '-ERR Protocol error. 17', 'binary noise');
  wire.write(Buffer.from('\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n', 'latin1')); // a TLS ClientHello on the plain port
  t.equal(await wire.line(), '-ERR Protocol error. 17');
  t.equal(await wire.line(), 'Connection is closed. 21', 'three bad commands end the session');
  t.ok(await wire.closedByServer());

  const noise = await plainSession(gw);
  noise.write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  t.ok(await noise.closedByServer(), 'a burst of random bytes is answered and the session ended');
  await stillServes(t, gw, 'binary noise');
});

t.test('overlong lines', async (t) => {
  const wire = await plainSession(gw);
  t.equal(await wire.command(`USER ${'a'.repeat(gw.core.limits.pop3MaxCommandBytes)}`), '-ERR Protocol error. Connection is closed. 10', 'a command over 512 bytes');
  t.ok(await wire.closedByServer());
  const huge = await plainSession(gw);
  huge.write(Buffer.alloc(1024 * 1024, 0x41)); // 1 MiB, no CRLF
  t.equal(await huge.line(), `-ERR ${TEXTS.tooLong.text}`, 'a line that never ends');
  t.ok(await huge.closedByServer());
  const blob = await openTls(gw);
  t.equal(await blob.command('AUTH XOAUTH2'), '+ ');
  blob.write(Buffer.alloc(gw.core.limits.mailMaxLineBytes + 10, 0x41));
  blob.write('\r\n');
  t.equal(await blob.line(), `-ERR ${TEXTS.tooLong.text}`, 'an AUTH continuation line over the line limit');
  t.ok(await blob.closedByServer());
  await stillServes(t, gw, 'overlong lines');
});

t.test('pipelined commands get one answer each, in order', async (t) => {
  const wire = await openTls(gw);
  wire.write('CAPA\r\nUSER erin@contoso.com\r\nPASS Erin-Passw0rd!\r\nSTAT\r\nLIST\r\nNOOP\r\nQUIT\r\n');
  t.equal(await wire.line(), '+OK');
  t.same(await wire.lines(), ['TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER']);
  t.equal(await wire.line(), '+OK');
  t.equal(await wire.line(), '+OK User successfully logged on.');
  t.match(await wire.line(), /^\+OK \d+ \d+$/);
  t.match(await wire.line(), /^\+OK \d+ \d+$/);
  await wire.lines();
  t.equal(await wire.line(), '+OK');
  t.equal(await wire.line(), '+OK Microsoft Exchange Server POP3 server signing off.');
  t.ok(await wire.closedByServer());
});

t.test('abrupt disconnects: during AUTH, during a large RETR, during the STLS handshake', async (t) => {
  const erin = gw.core.directory.userByUpn('erin@contoso.com')!;
  await gw.core.mail.deliver(erin.id, Buffer.from('Subject: small\r\n\r\nhello\r\n'));
  await gw.core.mail.deliver(erin.id, Buffer.from(`Subject: big\r\n\r\n${`${'x'.repeat(998)}\r\n`.repeat(4096)}`));
  const a = await openTls(gw);
  t.equal(await a.command('AUTH XOAUTH2'), '+ ');
  a.end();
  const b = await signedIn(gw, 'erin@contoso.com', 'Erin-Passw0rd!');
  t.equal(await b.command('DELE 1'), '+OK');
  b.send('RETR 2');
  await b.line();
  b.end();
  const c = await plainSession(gw);
  t.equal(await c.command('STLS'), '+OK Begin TLS negotiation.');
  c.write(Buffer.from([0x16, 0x03, 0x01, 0x00])); // half a ClientHello, then gone
  c.end();
  await stillServes(t, gw, 'abrupt disconnects');
  t.equal((await gw.core.mail.messages(erin.id)).length, 2, 'the DELE of the dropped session was never committed');
});

/** Opens a raw socket and resolves with the first line the server says. */
function firstLine(port: number): Promise<{ socket: Socket; line: string }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('error', reject);
    socket.on('data', (d: string) => {
      text += d;
      const end = text.indexOf('\r\n');
      if (end >= 0) resolve({ socket, line: text.slice(0, end) });
    });
  });
}

t.test(`1,000 connections from one address: ${MAX_PER_IP} are served, the rest refused with -ERR`, async (t) => {
  const results = await Promise.all(Array.from({ length: 1000 }, () => firstLine(gw.ports.pop3)));
  const greeted = results.filter((r) => r.line.startsWith('+OK The Microsoft Exchange POP3 service is ready.'));
  const refused = results.filter((r) => r.line === `-ERR ${TEXTS.tooManyConnections.text}`);
  t.equal(greeted.length, MAX_PER_IP, 'as many as the limit');
  t.equal(refused.length, 1000 - MAX_PER_IP, 'every other one refused');
  const imap = await firstLine(gw.ports.imap);
  t.match(imap.line, /^\* OK /, "POP3's connections do not count against IMAP's");
  imap.socket.destroy();
  for (const r of results) r.socket.destroy();
  for (let i = 0; i < 200; i++) {
    const probe = await firstLine(gw.ports.pop3);
    probe.socket.destroy();
    if (probe.line.startsWith('+OK')) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await stillServes(t, gw, 'a flood of connections');
});

t.test('limits of a session: command rate, idle timeout; and shutdown', async (t) => {
  const strict = await bootGateway(t, {
    seed: BASE_SEED,
    clock: CLASSIC_CLOCK,
    limits: { mailCommandsPerSecond: 1, mailCommandBurst: 10, mailPreAuthIdleMs: 500 },
  });
  const flood = await signedIn(strict);
  flood.write('NOOP\r\n'.repeat(30));
  const lines: string[] = [];
  while (lines.length < 30) {
    const line = await flood.line().catch(() => null);
    if (line === null) break;
    lines.push(line);
  }
  t.ok(lines.filter((l) => l === '+OK').length < 10, 'the burst is spent');
  t.match(lines.at(-1), /^-ERR Request is throttled\. Suggested Backoff Time: \d+ milliseconds$/, 'then the session is throttled');
  t.ok(await flood.closedByServer(), 'and ended');

  const idle = await Pop3Wire.open(strict.ports.pop3s, { tls: true, ca: strict.caCert });
  await idle.line();
  t.equal(await idle.line(5000), '-ERR Connection is closed. 12', 'an idle session before sign-in is told and closed');
  t.ok(await idle.closedByServer());

  const open = await signedIn(strict);
  await strict.close();
  t.equal(await open.line(), `-ERR ${TEXTS.shuttingDown.text}`, 'shutdown says goodbye to open sessions');
  t.ok(await open.closedByServer());
});
