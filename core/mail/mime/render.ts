// ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2) from a stored structure. Where the RFC
// leaves room:
// - type, subtype, parameter attribute names, the encoding and the disposition type are upper
//   case, as in RFC 3501's own examples (`("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT"
//   3028 92)`) and as Cyrus writes them; parameter values and every other string are as given.
// - text/* without a charset gets ("CHARSET" "US-ASCII") appended, RFC 2046 §4.1.2's default,
//   as Dovecot does; a missing or unreadable encoding is "7BIT".
// - extension data is always written in full (md5, disposition, language, location; params for
//   multiparts) and Content-Language is always a list, as Dovecot.
// - a multipart with no parts gets one empty text/plain child, as Dovecot, since the grammar
//   needs at least one.
// - an opaque multipart or message/rfc822 (past MAX_DEPTH or MAX_PARTS) is written
//   "APPLICATION" "OCTET-STREAM": neither can be written without what it contains.
// - every string goes through imapString(), so 8-bit header text comes out as a literal.
// The results are byte strings (one char per byte): send them with Buffer.from(s, 'latin1').
import { asciiLower, asciiUpper } from './bytes.js';
import type { Address, BodyPart, EncapsulatedMessage, Envelope, MessageStructure, Param } from './types.js';

const EMPTY_BODY = '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)';
const EMPTY_BODYSTRUCTURE = '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)';

/**
 * NIL for null; a quoted string when every byte is 7-bit and not NUL, CR or LF (RFC 3501 §9
 * QUOTED-CHAR); otherwise a literal `{n}\r\n` + bytes, NULs sent as 0x80 since a literal's
 * CHAR8 excludes them (Dovecot does the same). A string is taken as a byte string (latin1)
 * unless it holds characters above U+00FF, in which case it is sent as UTF-8.
 */
export function imapString(value: string | Buffer | null): string {
  if (value === null) return 'NIL';
  const bytes = typeof value === 'string' ? byteString(value) : value.toString('latin1');
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0x7f) return `{${bytes.length}}\r\n${bytes.replace(/\0/g, '\x80')}`;
  }
  return `"${bytes.replace(/["\\]/g, '\\$&')}"`;
}

function byteString(s: string): string {
  return /[^\u0000-\u00ff]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/** The ENVELOPE list, parentheses included. */
export function renderEnvelope(source: MessageStructure | EncapsulatedMessage | Envelope): string {
  const e = 'envelope' in source ? source.envelope : source;
  const fields = [
    imapString(e.date),
    imapString(e.subject),
    addressList(e.from),
    addressList(e.sender),
    addressList(e.replyTo),
    addressList(e.to),
    addressList(e.cc),
    addressList(e.bcc),
    imapString(e.inReplyTo),
    imapString(e.messageId),
  ];
  return `(${fields.join(' ')})`;
}

function addressList(list: Address[] | null): string {
  if (!list || !list.length) return 'NIL';
  const items = list.map((a) => `(${imapString(a.name)} ${imapString(a.adl)} ${imapString(a.mailbox)} ${imapString(a.host)})`);
  return `(${items.join('')})`;
}

/** BODYSTRUCTURE (extended) or BODY (not), parentheses included: `BODYSTRUCTURE ${renderBodyStructure(s, true)}`. */
export function renderBodyStructure(source: MessageStructure | BodyPart, extended: boolean): string {
  return body('envelope' in source ? source.body : source, extended);
}

function body(part: BodyPart, extended: boolean): string {
  if (part.type === 'multipart' && !part.opaque) {
    const children = part.parts.length ? part.parts.map((child) => body(child, extended)).join('') : extended ? EMPTY_BODYSTRUCTURE : EMPTY_BODY;
    let s = `(${children} ${imapString(asciiUpper(part.subtype))}`;
    if (extended) s += ` ${params(part.params, false)}${common(part)}`;
    return `${s})`;
  }
  const text = !part.opaque && part.type === 'text';
  const fields = [
    part.opaque ? '"APPLICATION" "OCTET-STREAM"' : `${imapString(asciiUpper(part.type))} ${imapString(asciiUpper(part.subtype))}`,
    params(part.params, text),
    imapString(part.id),
    imapString(part.description),
    imapString(part.encoding === null ? '7BIT' : asciiUpper(part.encoding)),
    String(part.size),
  ];
  if (text) fields.push(String(part.lines ?? 0));
  else if (part.message) fields.push(renderEnvelope(part.message.envelope), body(part.message.body, extended), String(part.lines ?? 0));
  let s = fields.join(' ');
  if (extended) s += ` ${imapString(part.md5)}${common(part)}`;
  return `(${s})`;
}

function params(list: Param[], textDefault: boolean): string {
  const items = list.map(([attribute, value]) => `${imapString(asciiUpper(attribute))} ${imapString(value)}`);
  if (textDefault && !list.some(([attribute]) => asciiLower(attribute) === 'charset')) items.push('"CHARSET" "US-ASCII"');
  return items.length ? `(${items.join(' ')})` : 'NIL';
}

/** Disposition, language and location: the tail both kinds of extension data share. */
function common(part: BodyPart): string {
  const disposition = part.disposition ? `(${imapString(asciiUpper(part.disposition.type))} ${params(part.disposition.params, false)})` : 'NIL';
  const language = part.language ? `(${part.language.map(imapString).join(' ')})` : 'NIL';
  return ` ${disposition} ${language} ${imapString(part.location)}`;
}
