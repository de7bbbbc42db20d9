// SendMail (MS-ASCMD §2.2.1.17): protocol 14 and later wrap the message in ComposeMail SendMail
// (Mime as opaque data or a string); 12.x posts the message itself as message/rfc822 with
// SaveInSent=T. Either way it goes through the one submission path (core/mail/submission.ts):
// send-as check, delivery, capture of outside mail, and a Sent Items copy only when the device
// asks for one (SaveInSentItems, or SaveInSent=T on 12.x). Recipients are the To, Cc
// and Bcc of the message; Bcc is removed before delivery. Success is an empty 200.
import { parseMessage } from '../../../../core/mail/mime.js';
import { maySendAs, parseHeaders, submitMessage } from '../../../../core/mail/submission.js';
import { COMMON_STATUS, HTTP_ERRORS } from '../replies.js';
import { bytes, first, ns } from '../wbxml/tree.js';
import { EMPTY, reply, type CommandSpec, type EasResult } from './spec.js';

const cm = ns('ComposeMail');

export const sendMail: CommandSpec = {
  name: 'SendMail',
  mimeBody: true,
  root: ['ComposeMail', 'SendMail'],
  async handle(req) {
    let mime: Buffer | undefined;
    if (req.contentType === 'message/rfc822') mime = req.raw;
    else if (req.doc && req.doc.ns === 'ComposeMail' && req.doc.tag === 'SendMail') mime = bytes(first(req.doc, 'Mime'));
    else if (!req.doc) return { http: HTTP_ERRORS.malformedBody };
    const fail = (status: number): EasResult => reply(cm('SendMail', cm('Status', status)));
    if (!mime || !mime.length) return fail(COMMON_STATUS.invalidContent);

    const envelope = parseMessage(mime).envelope;
    const rcptTo = [...(envelope.to ?? []), ...(envelope.cc ?? []), ...(envelope.bcc ?? [])]
      .filter((a) => a.host !== null && a.mailbox !== null && a.mailbox !== 'MISSING_MAILBOX' && a.host !== 'MISSING_DOMAIN')
      .map((a) => `${a.mailbox}@${a.host}`.toLowerCase());
    const recipients = [...new Set(rcptTo)];
    if (!recipients.length) return fail(COMMON_STATUS.messageHasNoRecipient);

    const sender = { tenant: req.tenant, mailbox: req.mailbox, trustee: req.decision.user?.id ?? req.mailbox.id };
    const from = parseHeaders(mime).from;
    if (from && !maySendAs(sender, from, req.ctx.directory)) return fail(COMMON_STATUS.accessDenied);
    let message = withoutBcc(mime);
    // A device may leave From out: the mailbox it syncs is the sender.
    if (!from) message = Buffer.concat([Buffer.from(`From: ${req.mailbox.upn}\r\n`, 'latin1'), message]);
    try {
      const save = req.contentType === 'message/rfc822' ? req.params.saveInSent : first(req.doc ?? undefined, 'SaveInSentItems') !== undefined;
      await submitMessage(req.ctx, { sender, mailFrom: req.mailbox.upn, rcptTo: recipients, message, at: req.ctx.clock.date(), messageIdHost: req.messageIdHost, saveCopy: save ? 'Sent Items' : null });
    } catch (error) {
      req.ctx.log.error({ err: error, proto: 'eas', tenant: req.tenant.id }, 'SendMail submission failed');
      return fail(COMMON_STATUS.mailSubmissionFailed);
    }
    return EMPTY;
  },
};

/** The message without its Bcc field(s), folded lines included. */
export function withoutBcc(message: Buffer): Buffer {
  let end = message.indexOf('\r\n\r\n');
  if (end < 0) end = message.indexOf('\n\n');
  if (end < 0) return message;
  const head = message.subarray(0, end).toString('latin1');
  const lines = head.split(/(?<=\n)/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = /^bcc:/i.test(line);
    if (!dropping) kept.push(line);
  }
  let rebuilt = kept.join('');
  if (!/\r?\n$/.test(rebuilt) && rebuilt.length) rebuilt += head.includes('\r\n') ? '\r\n' : '\n';
  // The kept header ends with its line break; the separator's remaining break follows.
  const rest = message.subarray(end);
  const separator = rest.subarray(rest[0] === 0x0d ? 2 : 1);
  return Buffer.concat([Buffer.from(rebuilt, 'latin1'), separator]);
}
