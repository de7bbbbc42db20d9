// Two more real clients in an exogate mailbox: Python's imaplib (the standard library) with
// Basic and with XOAUTH2, and curl's IMAP support.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { userToken } from '../helpers/https.js';

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

t.test('Python imaplib and curl', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T00:00:00Z' });
  const ca = join(tmpdir(), `exogate-ca-${process.pid}.pem`);
  writeFileSync(ca, gw.caCert);
  const alice = gw.core.directory.userByUpn('alice@contoso.com')!;
  await gw.core.mail.deliver(alice.id, Buffer.from('From: bob@contoso.com\r\nTo: alice@contoso.com\r\nSubject: for imaplib\r\n\r\nhello from the store\r\n'));

  t.test('imaplib, Basic and XOAUTH2', async (t) => {
    const token = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/IMAP.AccessAsUser.All');
    const script = `
import imaplib, ssl, sys, json
ctx = ssl.create_default_context(cafile=${JSON.stringify(ca)})
ctx.check_hostname = False
out = {}
M = imaplib.IMAP4_SSL('127.0.0.1', ${gw.ports.imaps}, ssl_context=ctx)
out['login'] = M.login('alice@contoso.com', 'Alice-Passw0rd!')[1][0].decode()
out['select'] = M.select('INBOX')[1][0].decode()
typ, data = M.fetch('1', '(RFC822)')
out['subject'] = [l for l in data[0][1].decode().split('\\r\\n') if l.startswith('Subject:')][0]
out['store'] = M.store('1', '+FLAGS', '\\\\Seen')[0]
out['logout'] = M.logout()[0]
M = imaplib.IMAP4_SSL('127.0.0.1', ${gw.ports.imaps}, ssl_context=ctx)
try:
    M.login('bob@contoso.com', 'Bob-Passw0rd!')
except imaplib.IMAP4.error as e:
    out['blocked'] = str(e)
M = imaplib.IMAP4_SSL('127.0.0.1', ${gw.ports.imaps}, ssl_context=ctx)
auth = 'user=alice@contoso.com\\x01auth=Bearer ${token}\\x01\\x01'
out['xoauth2'] = M.authenticate('XOAUTH2', lambda _: auth.encode())[1][0].decode()
print(json.dumps(out))
`;
    const result = await run('python3', ['-c', script]);
    t.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Record<string, string>;
    t.equal(out.login, 'LOGIN completed.');
    t.equal(out.select, '1');
    t.equal(out.subject, 'Subject: for imaplib');
    t.equal(out.store, 'OK');
    t.equal(out.logout, 'BYE');
    t.equal(out.blocked, "b'LOGIN failed.'", 'what imaplib users saw when Basic went');
    t.equal(out.xoauth2, 'AUTHENTICATE completed.');
  });

  t.test('curl', async (t) => {
    const base = `imaps://127.0.0.1:${gw.ports.imaps}`;
    const list = await run('curl', ['-sS', '--cacert', ca, '--resolve', `localhost:${gw.ports.imaps}:127.0.0.1`, '-u', 'alice@contoso.com:Alice-Passw0rd!', base + '/']);
    t.equal(list.code, 0, list.stderr);
    t.match(list.stdout, /\* LIST \(\\HasNoChildren \\Sent\) "\/" "Sent Items"/, 'LIST');
    const message = await run('curl', ['-sS', '--cacert', ca, '-u', 'alice@contoso.com:Alice-Passw0rd!', `${base}/INBOX;UID=1`]);
    t.equal(message.code, 0, message.stderr);
    t.match(message.stdout, /Subject: for imaplib/, 'FETCH BODY[] by UID');
    const denied = await run('curl', ['-sS', '--cacert', ca, '-u', 'bob@contoso.com:Bob-Passw0rd!', base + '/']);
    t.equal(denied.code, 67, 'curl: login denied');
  });
});
