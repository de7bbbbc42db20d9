// Byte-level helpers shared by the parser and the section extractor: lines, header fields,
// unfolding. Every search is bounded by the region it is given, so a pathological message
// (one huge line, thousands of lines without a colon) costs linear time.

export const CR = 0x0d;
export const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** Lower-cases A-Z only: toLowerCase() would turn some latin1 bytes into chars above 0xFF. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Where the line starting at `pos` ends: after its LF, or `end`. */
export function lineEnd(raw: Buffer, pos: number, end: number): number {
  const lf = raw.indexOf(LF, pos);
  return lf < 0 || lf >= end ? end : lf + 1;
}

/** Whether the line at `pos` is empty (CRLF or a bare LF). */
export function isBlankLine(raw: Buffer, pos: number, end: number): boolean {
  if (pos >= end) return false;
  if (raw[pos] === LF) return true;
  return raw[pos] === CR && pos + 1 < end && raw[pos + 1] === LF;
}

/** Length of the line break that ends just before `pos` (2, 1 or 0), never reaching below `floor`. */
export function breakBefore(raw: Buffer, pos: number, floor: number): number {
  if (pos <= floor || raw[pos - 1] !== LF) return 0;
  return pos - 1 > floor && raw[pos - 2] === CR ? 2 : 1;
}

export function countLines(raw: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = raw.indexOf(LF, start); i >= 0 && i < end; i = raw.indexOf(LF, i + 1)) n++;
  return n;
}

/** One header field, continuation lines included. */
export interface HeaderField {
  /** As written, trailing blanks removed; "" for a line that is not a field (no colon). */
  name: string;
  start: number;
  /** Just after the colon (or `end` for a line without one). */
  valueStart: number;
  /** After the field's last line break (or the region's end). */
  end: number;
}

/** Splits a header block [start, end) into fields, in order. */
export function headerFields(raw: Buffer, start: number, end: number): HeaderField[] {
  const fields: HeaderField[] = [];
  let pos = start;
  while (pos < end) {
    const next = lineEnd(raw, pos, end);
    const first = raw[pos];
    const last = fields[fields.length - 1];
    if ((first === SP || first === TAB) && last) {
      last.end = next;
    } else {
      // Search the colon inside this line only: a search over the rest of the buffer would
      // make a header of many colon-less lines quadratic.
      const colon = raw.subarray(pos, next).indexOf(COLON);
      const name = colon < 0 ? '' : trimBlanks(raw.toString('latin1', pos, pos + colon));
      fields.push({ name, start: pos, valueStart: colon < 0 ? next : pos + colon + 1, end: next });
    }
    pos = next;
  }
  return fields;
}

/** Drops trailing spaces and tabs; a loop, since /[ \t]+$/ backtracks quadratically on long blank runs. */
function trimBlanks(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === SP || s.charCodeAt(end - 1) === TAB)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * A field's value unfolded (RFC 5322 §2.2.3: line breaks removed, the blanks after them kept),
 * leading blanks dropped, and NUL bytes turned into 0x80 as Dovecot does: PostgreSQL's jsonb
 * refuses \u0000, and no IMAP string may carry a NUL.
 */
export function fieldValue(raw: Buffer, field: HeaderField): string {
  return raw
    .toString('latin1', field.valueStart, field.end)
    .replace(/\r?\n/g, '')
    .replace(/^[ \t]+/, '')
    .replace(/\0/g, '\x80');
}
