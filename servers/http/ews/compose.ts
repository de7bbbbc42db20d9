// An EWS t:Message (CreateItem) as an RFC 5322 message: either its MimeContent as given, or
// headers and a body built from Subject, Body, From and the recipient lists. Client text only
// ever reaches a header as a quoted string or an RFC 2047 encoded word, so a CR/LF in a subject
// or a display name cannot add a header.
import { randomBytes } from 'node:crypto';
import { parseMessage } from '../../../core/mail/mime.js';
import { addressesOf } from './mime-text.js';
import { child, childrenNamed, childText, NS, type XmlElement } from './xml.js';

export interface Composed {
  message: Buffer;
  /** Envelope recipients: To, Cc and Bcc. */
  rcptTo: string[];
  /** The From address the message carries (checked against send-as rights before sending). */
  from: string;
  /** t:IsRead as given, if it was. */
  isRead: boolean | undefined;
}

export class ComposeError extends Error {
  constructor(readonly reason: 'invalid-mime' | 'invalid-recipient') {
    super(reason);
  }
}

const ADDRESS = /^[^\s<>()@,;:"[\]\\]+@[^\s<>()@,;:"[\]\\]+$/;

interface Person {
  name: string;
  address: string;
}

function mailboxOf(mb: XmlElement | undefined): Person | null {
  const address = childText(mb, NS.types, 'EmailAddress')?.trim();
  if (!address) return null;
  if (!ADDRESS.test(address)) throw new ComposeError('invalid-recipient');
  return { name: childText(mb, NS.types, 'Name')?.trim() ?? '', address };
}

function recipients(message: XmlElement, list: string): Person[] {
  return childrenNamed(child(message, NS.types, list), NS.types, 'Mailbox')
    .map(mailboxOf)
    .filter((p): p is Person => !!p);
}

/** RFC 2047 encoded words (base64), each under 75 characters, split on character boundaries. */
function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?utf-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

const plainAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

export function headerText(text: string): string {
  return plainAscii(text) && text.length <= 900 ? text : encodeWords(text);
}

function formatPerson(p: Person): string {
  if (!p.name || p.name === p.address) return p.address;
  const name = plainAscii(p.name) ? `"${p.name.replace(/["\\]/g, '\\$&')}"` : encodeWords(p.name);
  return `${name} <${p.address}>`;
}

export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

function bodyPart(text: string): { headers: string; body: string } {
  const normalized = text.replace(/\r?\n/g, '\r\n');
  if (/^[\x00-\x7f]*$/.test(normalized) && normalized.split('\r\n').every((l) => l.length <= 998)) {
    return { headers: 'Content-Transfer-Encoding: 7bit\r\n', body: normalized };
  }
  const b64 = Buffer.from(normalized).toString('base64').replace(/.{76}/g, '$&\r\n');
  return { headers: 'Content-Transfer-Encoding: base64\r\n', body: b64 };
}

/** The message a CreateItem's t:Message describes. `self` is the acting mailbox, the default From. */
export function composeMessage(message: XmlElement, self: Person, at: Date, messageIdHost: string): Composed {
  const to = recipients(message, 'ToRecipients');
  const cc = recipients(message, 'CcRecipients');
  const bcc = recipients(message, 'BccRecipients');
  const isReadText = childText(message, NS.types, 'IsRead')?.trim();
  const isRead = isReadText === undefined ? undefined : isReadText === 'true' || isReadText === '1';
  const fromEl = child(child(message, NS.types, 'From'), NS.types, 'Mailbox') ?? child(child(message, NS.types, 'Sender'), NS.types, 'Mailbox');
  const explicitFrom = mailboxOf(fromEl);

  const mime = child(message, NS.types, 'MimeContent');
  if (mime) {
    const b64 = mime.text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new ComposeError('invalid-mime');
    const raw = Buffer.from(b64, 'base64');
    const env = parseMessage(raw).envelope;
    const listed = [...addressesOf(env.to), ...addressesOf(env.cc), ...addressesOf(env.bcc)].map((a) => a.address);
    const rcptTo = unique([...listed, ...[...to, ...cc, ...bcc].map((p) => p.address)]);
    const from = addressesOf(env.from)[0]?.address ?? explicitFrom?.address ?? self.address;
    return { message: raw, rcptTo, from, isRead };
  }

  const from = explicitFrom ?? self;
  const bodyEl = child(message, NS.types, 'Body');
  const html = bodyEl?.attrs.BodyType === 'HTML';
  const part = bodyPart(bodyEl?.text ?? '');
  const lines = [
    `From: ${formatPerson(from)}`,
    to.length ? `To: ${to.map(formatPerson).join(',\r\n ')}` : null,
    cc.length ? `Cc: ${cc.map(formatPerson).join(',\r\n ')}` : null,
    `Subject: ${headerText(childText(message, NS.types, 'Subject') ?? '')}`,
    `Date: ${rfc5322Date(at)}`,
    `Message-ID: <${randomBytes(12).toString('hex').toUpperCase()}@${messageIdHost}>`,
    'MIME-Version: 1.0',
    `Content-Type: ${html ? 'text/html' : 'text/plain'}; charset="utf-8"`,
  ].filter((l): l is string => l !== null);
  const raw = Buffer.from(`${lines.join('\r\n')}\r\n${part.headers}\r\n${part.body}`, 'utf8');
  return { message: raw, rcptTo: unique([...to, ...cc, ...bcc].map((p) => p.address)), from: from.address, isRead };
}

function unique(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
