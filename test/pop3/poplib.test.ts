// Python's poplib (the standard library) retrieves and deletes messages; the deletion happens
// only when the session ends with QUIT (RFC 1939 §6).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';

function python(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', script], { timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }));
  });
}

t.test('poplib retrieves and deletes', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T00:00:00Z' });
  const ca = join(tmpdir(), `exogate-pop-ca-${process.pid}.pem`);
  writeFileSync(ca, gw.caCert);
  const alice = gw.core.directory.userByUpn('alice@contoso.com')!;
  for (const n of [1, 2, 3]) await gw.core.mail.deliver(alice.id, Buffer.from(`From: bob@contoso.com\r\nSubject: pop ${n}\r\n\r\nmessage ${n}\r\n.starts with a dot\r\n`));

  const result = await python(`
import poplib, ssl, json
ctx = ssl.create_default_context(cafile=${JSON.stringify(ca)})
ctx.check_hostname = False
out = {}
P = poplib.POP3_SSL('127.0.0.1', ${gw.ports.pop3s}, context=ctx)
out['welcome'] = P.getwelcome().decode()
out['capa'] = sorted(P.capa().keys())
out['user'] = P.user('alice@contoso.com').decode()
out['pass'] = P.pass_('Alice-Passw0rd!').decode()
out['stat'] = P.stat()
resp, lines, octets = P.retr(2)
out['retr'] = [l.decode() for l in lines]
out['dele'] = P.dele(2).decode()
out['quit'] = P.quit().decode()
P = poplib.POP3_SSL('127.0.0.1', ${gw.ports.pop3s}, context=ctx)
P.user('alice@contoso.com'); P.pass_('Alice-Passw0rd!')
out['after'] = P.stat()
P.dele(1)
P.sock.close()   # dropped without QUIT: nothing is deleted
P = poplib.POP3_SSL('127.0.0.1', ${gw.ports.pop3s}, context=ctx)
P.user('bob@contoso.com')
try:
    P.pass_('Bob-Passw0rd!')
except poplib.error_proto as e:
    out['blocked'] = str(e)
print(json.dumps(out))
`);
  t.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as Record<string, unknown>;
  t.match(out.welcome, /^\+OK The Microsoft Exchange POP3 service is ready\. \[[A-Za-z0-9+/=]+\]$/);
  t.same(out.capa, ['SASL', 'TOP', 'UIDL', 'USER']);
  t.equal(out.user, '+OK');
  t.equal(out.pass, '+OK User successfully logged on.');
  t.same((out.stat as number[])[0], 3);
  t.same(out.retr, ['From: bob@contoso.com', 'Subject: pop 2', '', 'message 2', '.starts with a dot'], 'dot-stuffing undone by the client');
  t.equal(out.quit, '+OK Microsoft Exchange Server POP3 server signing off.');
  t.same((out.after as number[])[0], 2, 'DELE took effect at QUIT');
  t.equal(out.blocked, "b'-ERR Logon failure: unknown user name or bad password.'", 'what poplib users saw when Basic went');
  const left = await gw.core.control.messages('alice@contoso.com');
  t.same(left?.map((m) => m.uid), [1, 3], 'the dropped session deleted nothing');
});
