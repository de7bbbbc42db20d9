// A stored message as ActiveSync's Email class shows it (MS-ASEMAIL §2.2.2, MS-ASAIRS §2.2.2.9
// Body): the envelope fields, the read flag, and one body in the first of the client's
// preferred types this server can give — 1 plain text, 2 HTML, 4 the whole MIME message (RTF, 3,
// falls back to plain text) — truncated at the client's TruncationSize.
import type { BodyPart, MessageStructure } from '../../../core/mail/mime.js';
import type { Address } from '../../../core/mail/mime/types.js';
import type { WbxmlElement } from './wbxml/codec.js';
import { ns } from './wbxml/tree.js';
import type { BodyPreference } from './state.js';

const email = ns('Email');
const base = ns('AirSyncBase');
const email2 = ns('Email2');

export const BODY_TYPE = { plain: 1, html: 2, rtf: 3, mime: 4 } as const;

/** Characters of preview text (MS-ASAIRS Preview: at most 255). */
const PREVIEW_MAX = 255;

export interface StoredItem {
  uid: number;
  flags: string[];
  internalDate: Date;
  body: Buffer;
  structure: MessageStructure;
}

export const isRead = (flags: readonly string[]) => flags.some((f) => f.toLowerCase() === '\\seen');

export function emailApplicationData(item: StoredItem, preferences: readonly BodyPreference[], version: number): WbxmlElement {
  const env = item.structure.envelope;
  const to = formatAddresses(env.to);
  const cc = formatAddresses(env.cc);
  const from = formatAddresses(env.from);
  const replyTo = formatAddresses(env.replyTo);
  const subject = env.subject === null ? null : decodeWords(env.subject);
  const html = findText(item.structure.body, 'html');
  const preference = pickPreference(preferences);
  const flagged = item.flags.some((f) => f.toLowerCase() === '\\flagged');
  return ns('AirSync')(
    'ApplicationData',
    to && email('To', to),
    cc && email('Cc', cc),
    from && email('From', from),
    subject !== null && email('Subject', clean(subject)),
    replyTo && replyTo !== from && email('ReplyTo', replyTo),
    email('DateReceived', item.internalDate.toISOString()),
    email('DisplayTo', displayNames(env.to)),
    subject !== null && email('ThreadTopic', clean(subject)),
    email('Importance', 1),
    email('Read', isRead(item.flags) ? 1 : 0),
    body(item, preference, version),
    email('MessageClass', 'IPM.Note'),
    email('InternetCPID', 65001),
    flagged ? email('Flag', email('Status', 2), email('FlagType', 'Flag for follow up')) : email('Flag'),
    email('ContentClass', 'urn:content-classes:message'),
    base('NativeBodyType', html ? BODY_TYPE.html : BODY_TYPE.plain),
    version >= 14 && email2('ConversationId', Buffer.from(item.structure.envelope.messageId ?? String(item.uid)).subarray(0, 16)),
  );
}

function pickPreference(preferences: readonly BodyPreference[]): BodyPreference {
  for (const p of preferences) if (p.type === BODY_TYPE.plain || p.type === BODY_TYPE.html || p.type === BODY_TYPE.mime) return p;
  return { type: BODY_TYPE.plain, allOrNone: false, truncationSize: preferences[0]?.truncationSize };
}

function body(item: StoredItem, preference: BodyPreference, version: number): WbxmlElement {
  const text = bodyText(item, preference.type);
  const full = Buffer.from(text, 'utf8');
  const limit = preference.truncationSize;
  const truncate = limit !== undefined && full.length > limit;
  const data = truncate ? (preference.allOrNone ? '' : utf8Prefix(full, limit)) : text;
  const preview = version >= 14 && preference.type !== BODY_TYPE.mime ? plainPreview(item) : '';
  return base(
    'Body',
    base('Type', preference.type),
    base('EstimatedDataSize', full.length),
    truncate && base('Truncated', 1),
    data && base('Data', clean(data)),
    preview && base('Preview', clean(preview)),
  );
}

function bodyText(item: StoredItem, type: number): string {
  if (type === BODY_TYPE.mime) return item.body.toString('utf8');
  const html = findText(item.structure.body, 'html');
  const plain = findText(item.structure.body, 'plain');
  if (type === BODY_TYPE.html) {
    if (html) return decodePart(item.body, html);
    return `<html><body><pre>${escapeHtml(plain ? decodePart(item.body, plain) : '')}</pre></body></html>`;
  }
  if (plain) return decodePart(item.body, plain);
  return html ? htmlToText(decodePart(item.body, html)) : '';
}

function plainPreview(item: StoredItem): string {
  const text = bodyText(item, BODY_TYPE.plain).replace(/\s+/g, ' ').trim();
  return text.slice(0, PREVIEW_MAX);
}

/** The first text/<subtype> part that is not an attachment, depth first. */
function findText(part: BodyPart, subtype: 'plain' | 'html'): BodyPart | undefined {
  if (part.parts.length) {
    for (const child of part.parts) {
      const found = findText(child, subtype);
      if (found) return found;
    }
    return undefined;
  }
  if (part.type !== 'text' || part.subtype !== subtype) return undefined;
  if (part.disposition?.type === 'attachment') return undefined;
  return part;
}

function decodePart(raw: Buffer, part: BodyPart): string {
  const bytes = raw.subarray(part.bodyStart, part.bodyEnd);
  const decoded = part.encoding === 'base64' ? Buffer.from(bytes.toString('latin1'), 'base64') : part.encoding === 'quoted-printable' ? decodeQuotedPrintable(bytes) : bytes;
  const charset = part.params.find(([name]) => name.toLowerCase() === 'charset')?.[1];
  return decodeCharset(decoded, charset);
}

function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Buffer.from(out);
}

/** RFC 2047 encoded words in a header value. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (_all, charset: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(Buffer.from(data.replace(/_/g, ' '), 'latin1'));
      return decodeCharset(bytes, charset.split('*')[0]);
    });
}

function mailboxes(list: Address[] | null): Address[] {
  return (list ?? []).filter((a) => a.host !== null && a.mailbox !== null);
}

function formatAddresses(list: Address[] | null): string | null {
  const out = mailboxes(list).map((a) => {
    const address = `${a.mailbox}@${a.host}`;
    return a.name ? `"${decodeWords(a.name).replace(/"/g, '')}" <${address}>` : address;
  });
  return out.length ? out.join(', ') : null;
}

function displayNames(list: Address[] | null): string {
  return mailboxes(list)
    .map((a) => (a.name ? decodeWords(a.name) : `${a.mailbox}@${a.host}`))
    .join('; ');
}

function utf8Prefix(bytes: Buffer, limit: number): string {
  let end = Math.min(limit, bytes.length);
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>/gi, '\r\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** WBXML inline strings cannot carry NUL. */
function clean(s: string): string {
  return s.includes('\0') ? s.replace(/\0/g, '') : s;
}
