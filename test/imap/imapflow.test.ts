// imapflow, a real IMAP client from the registry, living in an exogate mailbox: with an OAuth
// token from exogate's identity platform (XOAUTH2) and with Basic on a tenant that allows it —
// list folders, select INBOX, fetch a message nodemailer just submitted over exogate's SMTP,
// flag it, move it, and hear about new mail in IDLE.
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import t, { type Test } from 'tap';
import type { Gateway } from '../../index.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { userToken } from '../helpers/https.js';

async function submitAsAlice(gw: Gateway, subject: string): Promise<void> {
  const token = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/SMTP.Send');
  await nodemailer
    .createTransport({
      host: '127.0.0.1',
      port: gw.ports.smtp,
      requireTLS: true,
      tls: { ca: gw.caCert, servername: 'localhost' },
      auth: { type: 'OAuth2', user: 'alice@contoso.com', accessToken: token },
    })
    .sendMail({ from: 'alice@contoso.com', to: 'alice@contoso.com', subject, text: `${subject}\n` });
}

async function session(t: Test, gw: Gateway, auth: { user: string; pass?: string; accessToken?: string }): Promise<void> {
  const client = new ImapFlow({ host: '127.0.0.1', port: gw.ports.imaps, secure: true, auth, tls: { ca: gw.caCert, servername: 'localhost' }, logger: false });
  await client.connect();
  t.teardown(() => client.logout().catch(() => undefined));
  t.equal(client.serverInfo?.name, 'Microsoft.Exchange.Imap4.Imap4Server', 'ID tells imapflow it talks to Exchange');

  const folders = await client.list();
  const names = folders.map((f) => f.path);
  t.ok(names.includes('INBOX') && names.includes('Sent Items') && names.includes('Deleted Items'), 'the folders Exchange Online shows');
  t.equal(folders.find((f) => f.path === 'Sent Items')?.specialUse, '\\Sent', 'special-use attributes');

  const subject = `hello ${auth.accessToken ? 'oauth' : 'basic'} ${Date.now()}`;
  await submitAsAlice(gw, subject);

  const lock = await client.getMailboxLock('INBOX');
  try {
    const mailbox = client.mailbox as { exists: number; uidValidity: bigint };
    t.ok(mailbox.exists >= 1, 'the submitted message is there');
    const message = await client.fetchOne(String(mailbox.exists), { envelope: true, flags: true, source: true, bodyStructure: true, uid: true });
    if (!message) throw new Error('no message');
    t.equal(message.envelope?.subject, subject, 'ENVELOPE subject');
    t.equal(message.envelope?.from?.[0]?.address, 'alice@contoso.com');
    t.match(message.source?.toString(), new RegExp(`Subject: ${subject}`), 'BODY[] is the message');
    t.equal(message.bodyStructure?.type, 'text/plain', 'BODYSTRUCTURE');

    await client.messageFlagsAdd({ uid: String(message.uid) }, ['\\Flagged'], { uid: true });
    const flagged = await client.fetchOne(String(message.uid), { flags: true }, { uid: true });
    t.ok(flagged && flagged.flags?.has('\\Flagged'), 'flagged');

    const moved = await client.messageMove(String(message.uid), 'Archive', { uid: true });
    t.ok(moved && moved.uidMap?.size === 1, 'moved, with COPYUID');
    t.equal(((await client.status('Archive', { messages: true })) as { messages?: number }).messages, 1, 'now in Archive');

    // IDLE: new mail delivered by SMTP appears without asking.
    const exists = new Promise<number>((resolve) => client.once('exists', (data: { count: number }) => resolve(data.count)));
    const before = (client.mailbox as { exists: number }).exists;
    // idle() resolves only when IDLE ends (the next command breaks it), so it is not awaited.
    void client.idle().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await submitAsAlice(gw, `${subject} again`);
    const count = await exists;
    t.equal(count, before + 1, 'an EXISTS arrives during IDLE');
  } finally {
    lock.release();
  }
}

t.test('imapflow with an XOAUTH2 token from the identity platform', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T00:00:00Z' });
  const token = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/IMAP.AccessAsUser.All');
  await session(t, gw, { user: 'alice@contoso.com', accessToken: token });
});

t.test('imapflow with Basic, on a tenant that still allows it', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T00:00:00Z' });
  await session(t, gw, { user: 'alice@contoso.com', pass: 'Alice-Passw0rd!' });
});

t.test('imapflow with Basic once it is gone: the error names the failure, nothing else', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T00:00:00Z' });
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: gw.ports.imaps,
    secure: true,
    auth: { user: 'bob@contoso.com', pass: 'Bob-Passw0rd!' },
    tls: { ca: gw.caCert, servername: 'localhost' },
    logger: false,
  });
  const error = await client.connect().then(
    () => null,
    (e: unknown) => e as { authenticationFailed?: boolean; responseText?: string },
  );
  t.ok(error?.authenticationFailed, 'imapflow reports an authentication failure');
  t.equal(error?.responseText, 'AUTHENTICATE failed.', 'imapflow signs in with AUTHENTICATE PLAIN where AUTH=PLAIN is offered');
});
