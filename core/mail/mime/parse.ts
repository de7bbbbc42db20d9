// parseMessage(): one pass over the raw bytes, in the manner of Dovecot's message-parser.c.
// Open multipart boundaries form a stack; a line starting with "--" ends the current part if
// one of them is a prefix of the rest of the line (RFC 2046 §5.1.1 asks for a prefix match, not
// the whole line), the longest match winning and, between equals, the innermost — so an inner
// multipart that is never closed is ended by its parent's boundary, and nested boundaries that
// share a prefix are told apart. Every loop advances by at least one line and nesting stops at
// MAX_DEPTH, so no input can make it throw, loop or recurse without bound.
import { parseAddressList } from './address.js';
import { asciiLower, breakBefore, countLines, fieldValue, headerFields, isBlankLine, lineEnd, type HeaderField } from './bytes.js';
import { parseContentType, parseDisposition, parseEncoding, parseLanguage } from './fields.js';
import {
  MAX_BOUNDARY_LENGTH,
  MAX_DEPTH,
  MAX_PARTS,
  STRUCTURE_VERSION,
  type BodyPart,
  type EncapsulatedMessage,
  type Envelope,
  type MessageStructure,
  type Param,
} from './types.js';

const DASH = 0x2d;
const LF_DASH_DASH = Buffer.from('\n--', 'latin1');

interface Boundary {
  value: Buffer;
}

interface BoundaryLine {
  boundary: Boundary;
  lineStart: number;
  /** After the line's LF (or the end of the message). */
  lineEnd: number;
  /** A close delimiter: the boundary followed by "--". */
  close: boolean;
}

/** Parses a message once; the result is plain JSON, to be stored and reused for every FETCH. */
export function parseMessage(raw: Uint8Array): MessageStructure {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const parser = new MimeParser(bytes);
  const root = parser.entity(0, 0, false);
  return {
    version: STRUCTURE_VERSION,
    size: bytes.length,
    truncated: parser.truncated,
    envelope: envelopeOf(bytes, root.fields),
    body: root.part,
  };
}

class MimeParser {
  readonly #raw: Buffer;
  readonly #end: number;
  /** Boundaries of the multiparts being read, outermost first. */
  readonly #stack: Boundary[] = [];
  #count = 0;
  /** Where the entity just read stopped: the start of the boundary line that ended it, or the end. */
  #pos = 0;
  truncated = false;

  constructor(raw: Buffer) {
    this.#raw = raw;
    this.#end = raw.length;
  }

  /** Reads the entity whose header starts at `start`; leaves #pos where it ends. */
  entity(start: number, depth: number, inDigest: boolean): { part: BodyPart; fields: HeaderField[] } {
    this.#count++;
    const raw = this.#raw;
    const end = this.#end;

    // The header runs to a blank line, to a boundary of an enclosing multipart (whose line
    // break it then leaves to that boundary), or to the end of the message.
    let headerEnd = end;
    let bodyStart = end;
    let cut: number | null = null;
    let blank = false;
    for (let pos = start; pos < end; ) {
      if (this.#stack.length && this.#matchAt(pos, null)) {
        headerEnd = bodyStart = pos - breakBefore(raw, pos, start);
        cut = pos;
        break;
      }
      const next = lineEnd(raw, pos, end);
      if (isBlankLine(raw, pos, end)) {
        headerEnd = pos;
        bodyStart = next;
        blank = true;
        break;
      }
      pos = next;
    }

    const fields = headerFields(raw, start, headerEnd);
    const part = describe(raw, fields, inDigest, { headerStart: start, headerEnd, bodyStart });
    const multipart = part.type === 'multipart';
    const rfc822 = part.type === 'message' && part.subtype === 'rfc822';
    const openable = depth < MAX_DEPTH && this.#count < MAX_PARTS;
    if ((multipart || rfc822) && !openable) {
      part.opaque = true;
      this.truncated = true;
    }
    const boundary = multipart && openable ? boundaryOf(part.params) : null;
    const own: Boundary | null = boundary ? { value: boundary } : null;

    if (cut !== null) {
      this.#pos = cut;
    } else if (!blank) {
      this.#pos = end;
    } else {
      // Our own boundary counts here (Dovecot does the same): if it and an enclosing one
      // both match the next line, the longer — or, equal, ours — wins.
      const next = this.#stack.length ? this.#matchAt(bodyStart, own) : null;
      if (next && next.boundary !== own) {
        // The blank line is the line break of an enclosing delimiter: headers, no body.
        part.bodyStart = part.bodyEnd = headerEnd;
        this.#pos = next.lineStart;
      } else if (own) {
        this.#multipart(part, own, depth);
      } else if (rfc822 && openable) {
        const inner = this.entity(bodyStart, depth + 1, false);
        part.message = { envelope: envelopeOf(raw, inner.fields), body: inner.part };
        part.bodyEnd = inner.part.bodyEnd;
      } else {
        part.bodyEnd = this.#stopAt(this.#stack.length ? this.#findFrom(bodyStart) : null, bodyStart);
      }
    }

    if (rfc822 && openable && !part.message) part.message = emptyMessage(part.bodyStart);
    part.size = part.bodyEnd - part.bodyStart;
    if (part.type === 'text' || rfc822) part.lines = countLines(raw, part.bodyStart, part.bodyEnd);
    return { part, fields };
  }

  /** Reads a multipart's body: preamble, children, close delimiter, epilogue. */
  #multipart(part: BodyPart, own: Boundary, depth: number): void {
    const digest = part.subtype === 'digest';
    const level = this.#stack.length;
    this.#stack.push(own);
    let line = this.#findFrom(part.bodyStart);
    for (;;) {
      if (!line || line.boundary !== own) {
        // The end of the message or an enclosing boundary: never closed, ends here (and
        // never before its last child, which may be an empty part sitting on that line).
        const last = part.parts[part.parts.length - 1];
        part.bodyEnd = this.#stopAt(line, Math.max(part.bodyStart, last ? last.bodyEnd : 0));
        break;
      }
      if (line.close) {
        this.#stack.length = level;
        // The epilogue runs to the next enclosing boundary, or the end.
        part.bodyEnd = this.#stopAt(this.#findFrom(line.lineEnd), part.bodyStart);
        break;
      }
      if (this.#count >= MAX_PARTS) {
        // Past the limit: skip the part, but keep following boundaries so sizes stay right.
        this.truncated = true;
        line = this.#findFrom(line.lineEnd);
        continue;
      }
      const child = this.entity(line.lineEnd, depth + 1, digest);
      part.parts.push(child.part);
      // The child stopped on a boundary line (or at the end); the search is only a safety net.
      line = this.#pos < this.#end ? (this.#matchAt(this.#pos, null) ?? this.#findFrom(this.#pos)) : null;
    }
    this.#stack.length = level;
  }

  /** Sets #pos to the boundary line (or the end) and returns where the content before it ends. */
  #stopAt(line: BoundaryLine | null, floor: number): number {
    if (!line) {
      this.#pos = this.#end;
      return this.#end;
    }
    this.#pos = line.lineStart;
    return Math.max(floor, line.lineStart - breakBefore(this.#raw, line.lineStart, floor));
  }

  /** The first boundary line at or after `pos` (a line start). */
  #findFrom(pos: number): BoundaryLine | null {
    if (!this.#stack.length) return null;
    const raw = this.#raw;
    const first = this.#matchAt(pos, null);
    if (first) return first;
    for (let i = raw.indexOf(LF_DASH_DASH, pos); i >= 0; i = raw.indexOf(LF_DASH_DASH, i + 1)) {
      const line = this.#matchAt(i + 1, null);
      if (line) return line;
    }
    return null;
  }

  /** Whether the line at `pos` is a delimiter of an open multipart (or of `extra`): longest match, then innermost. */
  #matchAt(pos: number, extra: Boundary | null): BoundaryLine | null {
    const raw = this.#raw;
    const end = this.#end;
    if (pos + 2 > end || raw[pos] !== DASH || raw[pos + 1] !== DASH) return null;
    let best: Boundary | null = null;
    for (let i = this.#stack.length; i >= 0; i--) {
      const candidate = i === this.#stack.length ? extra : this.#stack[i];
      if (!candidate) continue;
      const len = candidate.value.length;
      if (best && best.value.length >= len) continue;
      if (pos + 2 + len <= end && raw.compare(candidate.value, 0, len, pos + 2, pos + 2 + len) === 0) best = candidate;
    }
    if (!best) return null;
    const after = pos + 2 + best.value.length;
    return {
      boundary: best,
      lineStart: pos,
      lineEnd: lineEnd(raw, after, end),
      close: after + 2 <= end && raw[after] === DASH && raw[after + 1] === DASH,
    };
  }
}

/** The Content-* fields of one entity (first occurrence of each wins, as in Dovecot), with RFC 2045's defaults. */
function describe(raw: Buffer, fields: HeaderField[], inDigest: boolean, offsets: Pick<BodyPart, 'headerStart' | 'headerEnd' | 'bodyStart'>): BodyPart {
  const part: BodyPart = {
    ...offsets,
    bodyEnd: offsets.bodyStart,
    // RFC 2045 §5.2; inside multipart/digest the default is message/rfc822 (RFC 2046 §5.1.5).
    type: inDigest ? 'message' : 'text',
    subtype: inDigest ? 'rfc822' : 'plain',
    params: [],
    id: null,
    description: null,
    encoding: null,
    size: 0,
    lines: null,
    md5: null,
    disposition: null,
    language: null,
    location: null,
    parts: [],
    message: null,
    opaque: false,
  };
  const seen = new Set<string>();
  for (const field of fields) {
    const name = asciiLower(field.name);
    if (!name.startsWith('content-') || seen.has(name)) continue;
    seen.add(name);
    const value = fieldValue(raw, field);
    switch (name) {
      case 'content-type': {
        // An unreadable Content-Type is treated as absent (RFC 2045 §5.2).
        const type = parseContentType(value);
        if (type) Object.assign(part, type);
        break;
      }
      case 'content-transfer-encoding':
        part.encoding = parseEncoding(value);
        break;
      case 'content-id':
        part.id = value;
        break;
      case 'content-description':
        part.description = value;
        break;
      case 'content-md5':
        part.md5 = value;
        break;
      case 'content-disposition':
        part.disposition = parseDisposition(value);
        break;
      case 'content-language':
        part.language = parseLanguage(value);
        break;
      case 'content-location':
        part.location = value;
        break;
    }
  }
  return part;
}

function boundaryOf(params: Param[]): Buffer | null {
  const param = params.find(([attribute, value]) => asciiLower(attribute) === 'boundary' && value !== '');
  return param ? Buffer.from(param[1].slice(0, MAX_BOUNDARY_LENGTH), 'latin1') : null;
}

const ENVELOPE_FIELDS = new Set(['date', 'subject', 'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'in-reply-to', 'message-id']);

/** The ENVELOPE of a message's header. A repeated field: the last one counts, as in Dovecot. */
function envelopeOf(raw: Buffer, fields: HeaderField[]): Envelope {
  const byName = new Map<string, HeaderField>();
  for (const field of fields) {
    const name = asciiLower(field.name);
    if (ENVELOPE_FIELDS.has(name)) byName.set(name, field);
  }
  const text = (name: string): string | null => {
    const field = byName.get(name);
    return field ? fieldValue(raw, field) : null;
  };
  const addresses = (name: string) => {
    const value = text(name);
    return value === null ? null : parseAddressList(value);
  };
  const from = addresses('from');
  return {
    date: text('date'),
    subject: text('subject'),
    from,
    // RFC 3501 §7.4.2: absent or empty Sender and Reply-To take From's value.
    sender: addresses('sender') ?? from,
    replyTo: addresses('reply-to') ?? from,
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    inReplyTo: text('in-reply-to'),
    messageId: text('message-id'),
  };
}

/** The encapsulated message of a message/rfc822 part with no body at all. */
function emptyMessage(at: number): EncapsulatedMessage {
  const envelope: Envelope = {
    date: null,
    subject: null,
    from: null,
    sender: null,
    replyTo: null,
    to: null,
    cc: null,
    bcc: null,
    inReplyTo: null,
    messageId: null,
  };
  return { envelope, body: { ...describe(Buffer.alloc(0), [], false, { headerStart: at, headerEnd: at, bodyStart: at }), lines: 0 } };
}
