// FETCH BODY[<section>] (RFC 3501 §6.4.5): the section grammar of §9 and the bytes each form
// names, sliced from the raw message with the stored offsets. Part numbers follow §6.4.5 and
// Dovecot's imap-msgpart.c: a non-multipart message (the root, or one inside message/rfc822)
// has only part 1, itself; HEADER, TEXT and HEADER.FIELDS after a part number need a
// message/rfc822 part; anything that does not exist is empty.
import { asciiLower, asciiUpper, headerFields, LF } from './bytes.js';
import { imapString } from './render.js';
import type { BodyPart, MessageStructure } from './types.js';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface SectionSpec {
  /** Part numbers: "1.2" is [1, 2]; empty for the message itself. */
  part: number[];
  /** What of it; null for all of it: the whole message, or a part's body. */
  text: SectionText | null;
  /** For HEADER.FIELDS[.NOT], the names as the client wrote them; otherwise empty. */
  fields: string[];
}

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n', 'latin1');
const MAX_PART_NUMBER = 0xffffffff;
/** What ends an unquoted name inside a header list. */
const LIST_SPECIALS = /[ ()"\x00-\x1f\x7f]/;
/** An IMAP atom (RFC 3501 §9 ATOM-CHAR), which can be echoed unquoted. */
const ATOM = /^[^\x00-\x20\x7f-\uffff(){"\\%*\]]+$/;

/** The inside of BODY[...]: "", "HEADER", "1.2.MIME", "3.HEADER.FIELDS (SUBJECT)", ...; null when malformed. */
export function parseSection(spec: string): SectionSpec | null {
  const part: number[] = [];
  let i = 0;
  while (i < spec.length && isDigit(spec.charCodeAt(i))) {
    let j = i;
    while (j < spec.length && isDigit(spec.charCodeAt(j))) j++;
    // nz-number: no leading zero, no zero, at most 32 bits.
    const n = Number(spec.slice(i, j));
    if (spec[i] === '0' || j - i > 10 || n > MAX_PART_NUMBER) return null;
    part.push(n);
    if (j === spec.length) return { part, text: null, fields: [] };
    if (spec[j] !== '.') return null;
    i = j + 1;
  }
  const rest = spec.slice(i);
  const keyword = asciiUpper(rest);
  if (rest === '') return part.length ? null : { part, text: null, fields: [] };
  if (keyword === 'HEADER' || keyword === 'TEXT') return { part, text: keyword, fields: [] };
  if (keyword === 'MIME') return part.length ? { part, text: 'MIME', fields: [] } : null;
  const m = /^HEADER\.FIELDS(\.NOT)? *\(([^]*)\)$/i.exec(rest);
  if (!m) return null;
  const fields = headerList(m[2]);
  return fields ? { part, text: m[1] ? 'HEADER.FIELDS.NOT' : 'HEADER.FIELDS', fields } : null;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `header-fld-name *(SP header-fld-name)`: atoms or quoted strings; null if empty or malformed. */
function headerList(s: string): string[] | null {
  const names: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ') {
      i++;
    } else if (s[i] === '"') {
      let name = '';
      for (i++; i < s.length && s[i] !== '"'; i++) name += s[i] === '\\' && i + 1 < s.length ? s[++i] : s[i];
      if (i >= s.length) return null;
      i++;
      names.push(name);
    } else {
      const start = i;
      while (i < s.length && !LIST_SPECIALS.test(s[i])) i++;
      if (i === start) return null;
      names.push(s.slice(start, i));
    }
  }
  return names.length ? names : null;
}

/** The section as the FETCH response names it: keywords upper case, field names as given. */
export function renderSection(section: SectionSpec): string {
  const number = section.part.join('.');
  if (!section.text) return number;
  let text: string = section.text;
  if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    text += ` (${section.fields.map((f) => (ATOM.test(f) ? f : imapString(f))).join(' ')})`;
  }
  return number ? `${number}.${text}` : text;
}

/**
 * Exactly the bytes RFC 3501 §6.4.5 names (before any <partial>), sliced from `raw`: the result
 * may share memory with it. HEADER includes the blank line; HEADER.FIELDS[.NOT] gives the
 * matching fields in their original, folded form, then the blank line (if the header had one).
 */
export function extractSection(raw: Buffer, structure: MessageStructure, section: SectionSpec): Buffer {
  if (!section.part.length) {
    return section.text === null ? raw.subarray(structure.body.headerStart, structure.body.bodyEnd) : messageSection(raw, structure.body, section);
  }
  const target = resolve(structure.body, section.part);
  if (!target) return EMPTY;
  if (section.text === null) return raw.subarray(target.bodyStart, target.bodyEnd);
  // For a message/rfc822 part, MIME is its own MIME header, as in Dovecot (UW-IMAP gives nothing).
  if (section.text === 'MIME') return raw.subarray(target.headerStart, target.bodyStart);
  return target.message ? messageSection(raw, target.message.body, section) : EMPTY;
}

/** HEADER, TEXT or HEADER.FIELDS[.NOT] of a message: the root, or one inside message/rfc822. */
function messageSection(raw: Buffer, message: BodyPart, section: SectionSpec): Buffer {
  switch (section.text) {
    case 'HEADER':
      return raw.subarray(message.headerStart, message.bodyStart);
    case 'TEXT':
      return raw.subarray(message.bodyStart, message.bodyEnd);
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      const wanted = new Set(section.fields.map(asciiLower));
      const keep = section.text === 'HEADER.FIELDS';
      const chunks: Buffer[] = [];
      for (const field of headerFields(raw, message.headerStart, message.headerEnd)) {
        // Matching is case-insensitive but otherwise exact (§6.4.5); a line that is no field matches nothing.
        const matches = field.name !== '' && wanted.has(asciiLower(field.name));
        if (matches !== keep) continue;
        chunks.push(raw.subarray(field.start, field.end));
        // A header cut short by a boundary or the end of the message: keep the lines whole.
        if (raw[field.end - 1] !== LF) chunks.push(CRLF);
      }
      chunks.push(raw.subarray(message.headerEnd, message.bodyStart));
      return Buffer.concat(chunks);
    }
    default:
      return EMPTY;
  }
}

/** The entity a part number names, or null. */
function resolve(root: BodyPart, numbers: number[]): BodyPart | null {
  let current = root;
  let isMessage = true;
  for (const n of numbers) {
    const next = subparts(current, isMessage)[n - 1];
    if (!next) return null;
    current = next;
    isMessage = false;
  }
  return current;
}

/** What part numbers one level down name: a multipart's children; a non-multipart message itself; inside a message/rfc822. */
function subparts(part: BodyPart, isMessage: boolean): BodyPart[] {
  if (part.type === 'multipart' && !part.opaque) return part.parts;
  if (isMessage) return [part];
  return part.message ? subparts(part.message.body, true) : [];
}
