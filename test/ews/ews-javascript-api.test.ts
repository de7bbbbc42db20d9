// A real EWS client: ews-javascript-api (a port of Microsoft's EWS Managed API) with an OAuth
// token finds a message delivered over SMTP, reads it with its MIME content, marks it read,
// resolves a name and sends a message that arrives in the recipient's mailbox (checked over
// IMAP with a token). With Basic against a tenant whose EWS Basic Microsoft blocked, it surfaces the 401.
import { Agent } from 'node:https';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import t from 'tap';
import { XhrApi } from '@ewsjs/xhr';
import {
  BasePropertySet,
  BodyType,
  ConfigurationApi,
  ConflictResolutionMode,
  EmailMessage,
  ExchangeService,
  ExchangeVersion,
  ItemSchema,
  ItemView,
  MessageBody,
  OAuthCredentials,
  PropertySet,
  ResolveNameSearchLocation,
  Uri,
  WebCredentials,
  WellKnownFolderName,
} from 'ews-javascript-api';
import type { Gateway } from '../../index.js';
import { bootGateway } from '../helpers/gateway.js';
import { EWS, EWS_SEED, ewsUserToken } from './helpers.js';

/** ews-javascript-api's HTTP layer (axios through @ewsjs/xhr), trusting the gateway's CA. */
function trustGateway(gw: Gateway): void {
  ConfigurationApi.ConfigureXHR(new XhrApi({ httpsAgent: new Agent({ ca: gw.caCert, servername: 'localhost', keepAlive: false }) }));
}

function service(gw: Gateway, credentials: OAuthCredentials | WebCredentials): ExchangeService {
  const s = new ExchangeService(ExchangeVersion.Exchange2016);
  s.Credentials = credentials;
  s.Url = new Uri(`https://localhost:${gw.ports.https}${EWS}`);
  return s;
}

t.test('ews-javascript-api with an OAuth token: find, read, mark read, resolve, send', async (t) => {
  const gw = await bootGateway(t, { seed: EWS_SEED });
  trustGateway(gw);

  // Una sends Tom a message over SMTP with XOAUTH2.
  const smtpToken = await ewsUserToken(gw, 'una@tailspin.com', 'Una-Passw0rd!', 'https://outlook.office.com/SMTP.Send');
  await nodemailer
    .createTransport({ host: '127.0.0.1', port: gw.ports.smtp, secure: false, requireTLS: true, tls: { ca: gw.caCert, servername: 'localhost' }, auth: { type: 'OAuth2', user: 'una@tailspin.com', accessToken: smtpToken } })
    .sendMail({ from: 'Una Tailspin <una@tailspin.com>', to: 'tom@tailspin.com', subject: 'Quarterly numbers – Q3', text: 'Revenue is up. Ünïcode survives.' });

  const ews = service(gw, new OAuthCredentials(await ewsUserToken(gw, 'tom@tailspin.com', 'Tom-Passw0rd!')));

  const found = await ews.FindItems(WellKnownFolderName.Inbox, new ItemView(10));
  t.equal(found.TotalCount, 1, 'FindItems sees the SMTP delivery');
  const summary = found.Items[0];
  t.equal(summary.Subject, 'Quarterly numbers – Q3');

  const message = await EmailMessage.Bind(ews, summary.Id, new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.MimeContent]));
  t.equal(message.From.Address, 'una@tailspin.com');
  t.equal(message.ToRecipients._getItem(0).Address, 'tom@tailspin.com');
  t.match(message.Body.Text, /Ünïcode survives/);
  t.equal(message.IsRead, false);
  const mime = Buffer.from(message.MimeContent.Content as unknown as string, 'base64').toString('utf8');
  t.match(mime, /^Subject: /m, 'MimeContent is the stored RFC 5322 message');
  t.match(mime, /Received: from /, 'with the SMTP front end trace');

  message.IsRead = true;
  await message.Update(ConflictResolutionMode.AutoResolve);
  const reread = await EmailMessage.Bind(ews, summary.Id);
  t.equal(reread.IsRead, true, 'UpdateItem set the read flag');

  const names = await ews.ResolveName('una', ResolveNameSearchLocation.DirectoryOnly, true);
  t.equal(names.Count, 1);
  t.equal(names._getItem(0).Mailbox.Address, 'una@tailspin.com');

  const reply = new EmailMessage(ews);
  reply.Subject = 'Re: Quarterly numbers';
  reply.Body = new MessageBody(BodyType.Text, 'Thanks, Una.');
  reply.ToRecipients.Add('una@tailspin.com');
  await reply.SendAndSaveCopy();

  const sent = await ews.FindItems(WellKnownFolderName.SentItems, new ItemView(10));
  t.equal(sent.TotalCount, 1, 'a copy in Sent Items');
  t.equal(sent.Items[0].Subject, 'Re: Quarterly numbers');

  // Una reads it over IMAP: EWS sent through the same store SMTP delivers to.
  const imapToken = await ewsUserToken(gw, 'una@tailspin.com', 'Una-Passw0rd!', 'https://outlook.office.com/IMAP.AccessAsUser.All');
  const imap = new ImapFlow({ host: '127.0.0.1', port: gw.ports.imaps, secure: true, auth: { user: 'una@tailspin.com', accessToken: imapToken }, tls: { ca: gw.caCert, servername: 'localhost' }, logger: false });
  await imap.connect();
  t.teardown(() => imap.logout().catch(() => undefined));
  await imap.mailboxOpen('INBOX');
  const fetched = [];
  for await (const m of imap.fetch('1:*', { envelope: true, source: true })) fetched.push(m);
  t.equal(fetched.length, 1);
  t.equal(fetched[0].envelope?.subject, 'Re: Quarterly numbers');
  t.equal(fetched[0].envelope?.from?.[0]?.address, 'tom@tailspin.com');
  t.match(fetched[0].source?.toString(), /Thanks, Una\./);
});

t.test('ews-javascript-api with Basic on a tenant whose EWS Basic Microsoft blocked: the 401', async (t) => {
  const gw = await bootGateway(t, { seed: EWS_SEED });
  trustGateway(gw);
  const ews = service(gw, new WebCredentials('ada@adatum.com', 'Ada-Passw0rd!'));
  const error = await ews.FindItems(WellKnownFolderName.Inbox, new ItemView(10)).then(
    () => null,
    (e: unknown) => e,
  );
  t.match(error, { HttpStatusCode: 401, message: '401 Unauthorized' }, 'the library reports the 401');
  t.equal((error as { Exception?: object }).Exception?.constructor.name, 'ServiceRequestUnauthorizedException', 'as its unauthorized exception');
});
