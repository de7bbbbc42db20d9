// XOAUTH2 on SMTP: tokens from exogate's own identity platform (client credentials, password
// and authorization-code flows) submit mail; expired, wrong-audience, unsigned, forged and
// under-scoped tokens fail as the reference says (§4.2: a plain 535 5.7.3, no 334 challenge).
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT, decodeJwt, generateKeyPair } from 'jose';
import nodemailer from 'nodemailer';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { appToken, https, token, userToken, xoauth2 } from '../helpers/https.js';
import { readyForAuth } from '../helpers/smtp-wire.js';

const OK = '235 2.7.0 Authentication successful';
const GENERIC = /^535 5\.7\.3 Authentication unsuccessful \[[^\]]+\]$/;

async function xoauthLine(port: number, ca: string, user: string, accessToken: string, twoStep = false): Promise<string> {
  const wire = await readyForAuth(port, ca);
  try {
    if (!twoStep) return await wire.command(`AUTH XOAUTH2 ${xoauth2(user, accessToken)}`);
    const prompt = await wire.command('AUTH XOAUTH2');
    if (prompt !== '334 ') throw new Error(`expected a bare 334, got ${JSON.stringify(prompt)}`);
    return await wire.command(xoauth2(user, accessToken));
  } finally {
    wire.end();
  }
}

t.test('an app-only token (client credentials) authenticates for a mailbox it was granted', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const tok = await appToken(gw);
  t.equal(decodeJwt(tok).aud, 'https://outlook.office365.com');
  t.equal(await xoauthLine(gw.ports.smtp, gw.caCert, 'alice@contoso.com', tok), OK, 'inline (SASL-IR)');
  t.equal(await xoauthLine(gw.ports.smtp, gw.caCert, 'alice@contoso.com', tok, true), OK, 'two-step, bare 334 prompt');
  t.match(await xoauthLine(gw.ports.smtp, gw.caCert, 'erin@contoso.com', tok), GENERIC, 'a mailbox without Add-MailboxPermission');
  const decision = await gw.core.auth.decide({ protocol: 'smtp', kind: 'oauth', username: 'erin@contoso.com', token: tok, clientIp: '127.0.0.1', tls: true });
  t.equal(decision.outcome, 'no-mailbox-permission');
});

t.test('a user token (password flow, public client) authenticates for its own mailbox only', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const tok = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!');
  t.equal(await xoauthLine(gw.ports.smtp, gw.caCert, 'alice@contoso.com', tok), OK);
  t.match(await xoauthLine(gw.ports.smtp, gw.caCert, 'bob@contoso.com', tok), GENERIC, "another user's mailbox");
  // OAuth is not Basic: Bob's authentication policy does not touch his token.
  const bobs = await userToken(gw, 'bob@contoso.com', 'Bob-Passw0rd!');
  t.equal(await xoauthLine(gw.ports.smtp, gw.caCert, 'bob@contoso.com', bobs), OK, 'a Basic-blocking policy leaves OAuth alone');
});

t.test('the SMTP AUTH switch stops OAuth too (§4.2)', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const ops = await token(gw, 'fabrikam.com', {
    grant_type: 'password',
    client_id: '00000000-0000-0000-0000-0000000000f1',
    username: 'ops@fabrikam.com',
    password: 'Fabrikam-Passw0rd!',
    scope: 'https://outlook.office.com/SMTP.Send',
  });
  const line = await xoauthLine(gw.ports.smtp, gw.caCert, 'ops@fabrikam.com', ops);
  t.match(line, /^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\. Visit https:\/\/aka\.ms\/smtp_auth_disabled for more information\. \[/);
  const dave = await userToken(gw, 'dave@contoso.com', 'Dave-Passw0rd!');
  t.match(await xoauthLine(gw.ports.smtp, gw.caCert, 'dave@contoso.com', dave), /disabled for the Mailbox/);
});

t.test('the authorization-code flow with PKCE yields a token that submits mail', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'http://localhost:8400/callback';
  const query = new URLSearchParams({
    client_id: '00000000-0000-0000-0000-0000000000a2',
    response_type: 'code',
    redirect_uri: redirect,
    scope: 'offline_access https://outlook.office.com/SMTP.Send',
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const formPage = await https(gw, 'GET', `/contoso.com/oauth2/v2.0/authorize?${query}`);
  t.equal(formPage.status, 200);
  t.match(formPage.text, /<form method="post"/);
  const signedIn = await https(gw, 'POST', '/contoso.com/oauth2/v2.0/authorize', {
    form: { ...Object.fromEntries(query), username: 'alice@contoso.com', password: 'Alice-Passw0rd!' },
  });
  t.equal(signedIn.status, 302);
  const location = new URL(String(signedIn.headers.location));
  t.equal(`${location.origin}${location.pathname}`, redirect);
  t.equal(location.searchParams.get('state'), 'xyz');
  const tok = await token(gw, 'contoso.com', {
    grant_type: 'authorization_code',
    client_id: '00000000-0000-0000-0000-0000000000a2',
    code: location.searchParams.get('code')!,
    redirect_uri: redirect,
    code_verifier: verifier,
  });
  t.equal(await xoauthLine(gw.ports.smtp, gw.caCert, 'alice@contoso.com', tok), OK);
});

t.test('expired, wrong-audience, missing-scope, unsigned, forged and garbage tokens all read 535 5.7.3', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const port = gw.ports.smtp;
  const decide = (tok: string, user = 'alice@contoso.com') =>
    gw.core.auth.decide({ protocol: 'smtp', kind: 'oauth', username: user, token: tok, clientIp: '127.0.0.1', tls: true });

  const graph = await appToken(gw, 'https://graph.microsoft.com/.default');
  t.match(await xoauthLine(port, gw.caCert, 'alice@contoso.com', graph), GENERIC, 'a Graph token');
  t.equal((await decide(graph)).outcome, 'wrong-audience');

  const imapOnly = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!', 'https://outlook.office.com/IMAP.AccessAsUser.All');
  t.match(await xoauthLine(port, gw.caCert, 'alice@contoso.com', imapOnly), GENERIC, 'no SMTP.Send scope');
  t.equal((await decide(imapOnly)).outcome, 'missing-scope');

  const claims = decodeJwt(imapOnly);
  const unsigned = new UnsecuredJWT({ ...claims, scp: 'SMTP.Send' }).encode();
  t.match(await xoauthLine(port, gw.caCert, 'alice@contoso.com', unsigned), GENERIC, 'alg "none"');
  t.equal((await decide(unsigned)).outcome, 'token-invalid');

  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT({ ...claims, scp: 'SMTP.Send' }).setProtectedHeader({ alg: 'RS256', kid: 'not-ours' }).sign(privateKey);
  t.match(await xoauthLine(port, gw.caCert, 'alice@contoso.com', forged), GENERIC, 'signed by someone else');
  t.equal((await decide(forged)).outcome, 'token-invalid');

  t.match(await xoauthLine(port, gw.caCert, 'alice@contoso.com', 'not-a-jwt'), GENERIC, 'garbage');

  const good = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!');
  t.equal(await xoauthLine(port, gw.caCert, 'alice@contoso.com', good), OK);
  await gw.clock.advance('66m'); // 60 minutes of lifetime + 5 of clock skew, and then some
  t.match(await xoauthLine(port, gw.caCert, 'alice@contoso.com', good), GENERIC, 'expired');
  t.equal((await decide(good)).outcome, 'token-expired');
});

t.test('nodemailer submits with XOAUTH2 and with Basic; the message lands in the mailbox', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const tok = await userToken(gw, 'alice@contoso.com', 'Alice-Passw0rd!');
  const transport = (auth: object) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: gw.ports.smtp, secure: false, requireTLS: true, tls: { ca: gw.caCert, servername: 'localhost' }, auth });
  const viaOauth = await transport({ type: 'OAuth2', user: 'alice@contoso.com', accessToken: tok }).sendMail({
    from: 'alice@contoso.com',
    to: 'bob@contoso.com, friend@example.org',
    subject: 'XOAUTH2 works',
    text: 'sent with a token',
  });
  t.match(viaOauth.response, /^250 2\.0\.0 OK <[^>]+> \[Hostname=[A-Z0-9]+\.[a-z]+prd\d\d\.prod\.outlook\.com\]$/);
  t.same(viaOauth.rejected, []);
  const viaBasic = await transport({ user: 'alice@contoso.com', pass: 'Alice-Passw0rd!' }).sendMail({
    from: 'Alice <alice@contoso.com>',
    to: 'bob@contoso.com',
    subject: 'Basic works here',
    text: 'sent with a password',
  });
  t.match(viaBasic.response, /^250 2\.0\.0 OK/);

  const inbox = await gw.core.control.messages('bob@contoso.com');
  t.equal(inbox?.length, 2);
  t.same(inbox?.map((m) => m.uid), [1, 2], 'UIDs count up from 1');
  t.match(inbox?.[0].body.toString(), /Subject: XOAUTH2 works/);
  t.match(inbox?.[0].body.toString(), /^Received: from /, 'the front end adds its Received line');
  const sent = await gw.core.control.messages('alice@contoso.com', 'Sent Items');
  t.equal(sent?.length, 2, 'a copy in Sent Items, as Exchange Online keeps');
  const captured = await gw.core.mail.captured();
  t.same(captured.map((c) => c.rcptTo), [['friend@example.org']], 'outside recipients are captured, not relayed');

  const blocked = await transport({ user: 'bob@contoso.com', pass: 'Bob-Passw0rd!' })
    .sendMail({ from: 'bob@contoso.com', to: 'alice@contoso.com', text: 'x' })
    .then(() => null, (e: unknown) => e);
  t.match(blocked, { responseCode: 535, response: /^535 5\.7\.139 Authentication unsuccessful, basic authentication is disabled\. \[/ }, 'Basic blocked by policy, as nodemailer reports it');
  const sendAs = await transport({ user: 'alice@contoso.com', pass: 'Alice-Passw0rd!' })
    .sendMail({ from: 'bob@contoso.com', to: 'carol@contoso.com', text: 'x' })
    .then(() => null, (e: unknown) => e);
  t.match(sendAs, { responseCode: 550, response: /^550 5\.7\.60 SMTP; Client does not have permissions to send as this sender/ }, 'sending as someone else');
});

t.test('concurrent SMTP sessions per mailbox are limited (432 4.3.2, §4.3)', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const open = [];
  for (let i = 0; i < 3; i++) {
    const wire = await readyForAuth(gw.ports.smtp, gw.caCert);
    t.equal(await wire.command(`AUTH PLAIN ${Buffer.from('\0alice@contoso.com\0Alice-Passw0rd!').toString('base64')}`), OK);
    open.push(wire);
  }
  const fourth = await readyForAuth(gw.ports.smtp, gw.caCert);
  t.match(
    await fourth.command(`AUTH PLAIN ${Buffer.from('\0alice@contoso.com\0Alice-Passw0rd!').toString('base64')}`),
    /^432 4\.3\.2 Concurrent connections limit exceeded\. Visit https:\/\/aka\.ms\/concurrent_sending for more information\. \[Hostname=[^\]]+\]$/,
  );
  open.pop()!.end();
  await new Promise((r) => setTimeout(r, 200));
  t.equal(await fourth.command(`AUTH PLAIN ${Buffer.from('\0alice@contoso.com\0Alice-Passw0rd!').toString('base64')}`), OK, 'a slot frees when a session ends');
  for (const w of [...open, fourth]) w.end();
});
