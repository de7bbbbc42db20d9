// Message submission, shared by every protocol that sends (SMTP AUTH now, EWS and ActiveSync
// later): who may send as whom (reference §4.3), then delivery into the recipients' mailboxes
// in the store, a copy in the sender's Sent Items (as Exchange Online keeps one, unless the
// client asked for none), and capture
// of mail for addresses outside every tenant, which is never relayed.
import { randomBytes } from 'node:crypto';
import type { Directory } from '../tenants/directory.js';
import type { Tenant, User } from '../tenants/model.js';
import type { MailStore } from './store.js';

export interface Sender {
  tenant: Tenant;
  /** The mailbox the session acts for. */
  mailbox: User;
  /** Who signed in: a user id, or an app's service principal object id. */
  trustee: string;
}

/** May this sender use `address` as its From (envelope or header)? */
export function maySendAs(sender: Sender, address: string, directory: Directory): boolean {
  const lower = address.toLowerCase();
  if (!lower || lower === sender.mailbox.upn) return true;
  const other = directory.userByUpn(lower);
  if (!other || other.tenantId !== sender.tenant.id) return false;
  const granted = sender.tenant.mailboxPermissions.get(other.id) ?? [];
  return granted.some((p) => (p.trustee === sender.trustee || p.trustee === sender.mailbox.id) && (p.rights === 'SendAs' || p.rights === 'FullAccess'));
}

export interface ParsedHeaders {
  from: string | null;
  messageId: string | null;
  headerEnd: number;
}

/** Just enough of RFC 5322 to find From and Message-ID (unfolded, first occurrence). */
export function parseHeaders(message: Buffer): ParsedHeaders {
  let end = message.indexOf('\r\n\r\n');
  if (end < 0) end = message.indexOf('\n\n');
  const head = message.subarray(0, end < 0 ? Math.min(message.length, 256 * 1024) : end).toString('latin1');
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
    return m ? m[1].trim() : null;
  };
  const fromField = field('From');
  const angle = fromField ? /<([^<>\s]+@[^<>\s]+)>/.exec(fromField) : null;
  const bare = fromField && !angle ? /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(fromField) : null;
  const id = field('Message-ID');
  return { from: angle?.[1] ?? bare?.[1] ?? null, messageId: id ? id.replace(/^<|>$/g, '') : null, headerEnd: end };
}

export interface Submitted {
  messageId: string;
  delivered: number;
  captured: number;
}

export async function submitMessage(
  deps: { directory: Directory; mail: MailStore },
  input: {
    sender: Sender;
    mailFrom: string;
    rcptTo: string[];
    message: Buffer;
    at: Date;
    messageIdHost: string;
    traceHeader?: string;
    /** The sender's folder that keeps a copy: Sent Items unless the client chose (EWS SendOnly, EAS without SaveInSentItems: null). */
    saveCopy?: string | null;
  },
): Promise<Submitted> {
  const { directory, mail } = deps;
  const parsed = parseHeaders(input.message);
  const messageId = parsed.messageId ?? `${randomBytes(12).toString('hex').toUpperCase()}@${input.messageIdHost}`;
  const added = `${input.traceHeader ?? ''}${parsed.messageId ? '' : `Message-ID: <${messageId}>\r\n`}`;
  const message = added ? Buffer.concat([Buffer.from(added, 'latin1'), input.message]) : input.message;

  let delivered = 0;
  const outside: string[] = [];
  for (const rcpt of input.rcptTo) {
    const user = directory.userByUpn(rcpt);
    if (user) {
      await mail.deliver(user.id, message, { internalDate: input.at });
      delivered++;
    } else outside.push(rcpt);
  }
  if (outside.length) {
    await mail.capture({ tenantId: input.sender.tenant.id, userId: input.sender.mailbox.id, mailFrom: input.mailFrom, rcptTo: outside, body: message, at: input.at });
  }
  const copyFolder = input.saveCopy === undefined ? 'Sent Items' : input.saveCopy;
  if (copyFolder) await mail.deliver(input.sender.mailbox.id, message, { folder: copyFolder, flags: ['\\Seen'], internalDate: input.at });
  return { messageId, delivered, captured: outside.length };
}
