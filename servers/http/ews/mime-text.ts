// Reading a stored message the way EWS presents it: decoded header text (RFC 2047 encoded words,
// raw UTF-8), addresses, the body as text or HTML in its declared charset, and whether it has
// attachments. The structure comes from core/mail/mime (parsed once, at delivery).
import type { Address, BodyPart, MessageStructure } from '../../../core/mail/mime.js';
import type { BodyType } from './shape.js';

/** Bytes in the store's latin1 convention (one char per byte) to text: UTF-8 if it is valid UTF-8. */
function headerBytesToText(s: string): string {
  if (!/[\x80-\xff]/.test(s)) return s;
  const bytes = Buffer.from(s, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return s;
  }
}

export function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
  try {
    return new TextDecoder(label === 'us-ascii' ? 'utf-8' : label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047: encoded words decoded, whitespace between adjacent ones dropped. */
export function decodeHeader(raw: string | null | undefined): string {
  if (!raw) return '';
  const text = headerBytesToText(raw).replace(/(\?=)\s+(=\?)/g, '$1$2');
  return text.replace(ENCODED_WORD, (_whole, charset: string, enc: string, data: string) => {
    const bytes =
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return decodeBytes(bytes, charset.split('*')[0]);
  });
}

export interface MailAddress {
  name: string;
  address: string;
}

/** ENVELOPE address lists without group markers. */
export function addressesOf(list: Address[] | null): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of list ?? []) {
    if (!a.mailbox || !a.host) continue;
    const address = `${a.mailbox}@${a.host}`;
    out.push({ name: decodeHeader(a.name) || address, address });
  }
  return out;
}

function decodeTransfer(raw: Buffer, part: BodyPart): Buffer {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  if (part.encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (part.encoding === 'quoted-printable') {
    const text = body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return body;
}

const param = (part: BodyPart, name: string) => part.params.find(([k]) => k.toLowerCase() === name)?.[1];

function partText(raw: Buffer, part: BodyPart): string {
  return decodeBytes(decodeTransfer(raw, part), param(part, 'charset'));
}

function isAttachment(part: BodyPart): boolean {
  return part.disposition?.type === 'attachment';
}

/** The first text/plain and text/html parts that are not attachments, depth first. */
function textParts(part: BodyPart, found: { plain?: BodyPart; html?: BodyPart } = {}): { plain?: BodyPart; html?: BodyPart } {
  if (part.parts.length) {
    for (const p of part.parts) textParts(p, found);
  } else if (part.type === 'text' && !isAttachment(part)) {
    if (part.subtype === 'plain') found.plain ??= part;
    else if (part.subtype === 'html') found.html ??= part;
  }
  return found;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * HTML to text: tags dropped, <br> and block ends as line breaks. A stored message is untrusted
 * and may be large, so one linear pass rather than regular expressions that backtrack.
 */
function stripTags(html: string): string {
  let out = '';
  let i = 0;
  while (i < html.length) {
    const open = html.indexOf('<', i);
    if (open < 0) return out + html.slice(i);
    out += html.slice(i, open);
    const close = html.indexOf('>', open + 1);
    if (close < 0) return out;
    if (/^<(br|\/p|\/div|\/tr|\/li)\b/i.test(html.slice(open, Math.min(close + 1, open + 6)))) out += '\r\n';
    i = close + 1;
  }
  return out;
}

/** The body in the requested type, converting between text and HTML as Exchange does when only one exists. */
export function bodyOf(raw: Buffer, structure: MessageStructure, want: BodyType): { type: 'HTML' | 'Text'; text: string } {
  const { plain, html } = textParts(structure.body);
  if (want !== 'Text' && html) return { type: 'HTML', text: partText(raw, html) };
  if (want === 'HTML') {
    const text = plain ? partText(raw, plain) : '';
    return { type: 'HTML', text: `<html><body>${escapeHtml(text).replace(/\r?\n/g, '<br>\r\n')}</body></html>` };
  }
  if (plain) return { type: 'Text', text: partText(raw, plain) };
  if (html) {
    const text = stripTags(partText(raw, html))
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    return { type: 'Text', text };
  }
  return { type: want === 'Best' ? 'Text' : want, text: '' };
}

/** Attachments as Exchange counts them: parts disposed as attachments, or non-text leaves of a mixed multipart. */
export function hasAttachments(part: BodyPart, parentSubtype = ''): boolean {
  if (isAttachment(part)) return true;
  if (!part.parts.length) return parentSubtype === 'mixed' && part.type !== 'text' && part.type !== 'multipart';
  return part.parts.some((p) => hasAttachments(p, part.subtype));
}
