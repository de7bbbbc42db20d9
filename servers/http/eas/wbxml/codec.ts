// WBXML 1.3 (W3C NOTE-wbxml-19990624) as ActiveSync uses it ([MS-ASWBXML]): tags from the code
// pages in ./codepages.ts, no attributes, inline strings, opaque data. The decoder is strict
// about structure (one root, balanced END, known pages and tokens, bounded multi-byte integers
// and depth) and tolerant where real clients differ: any WBXML version byte, a public identifier
// given through the string table, a string table and STR_T references, character entities.
// Everything it rejects is a WbxmlError, which the routes answer with HTTP 400.
import { isSupportedPage, tagName, tagToken } from './codepages.js';

export interface WbxmlElement {
  ns: string;
  tag: string;
  children: WbxmlNode[];
}

/** A child: an element, text (inline or string-table string), or opaque bytes. */
export type WbxmlNode = WbxmlElement | string | Uint8Array;

export class WbxmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'WbxmlError';
  }
}

/** Deepest element nesting accepted by default (Limits.wbxmlMaxDepth; the deepest ActiveSync document nests 8). */
export const WBXML_MAX_DEPTH = 32;

const SWITCH_PAGE = 0x00;
const END = 0x01;
const ENTITY = 0x02;
const STR_I = 0x03;
const STR_T = 0x83;
const OPAQUE = 0xc3;
const WITH_CONTENT = 0x40;
const WITH_ATTRIBUTES = 0x80;
const UTF8_MIBENUM = 106;

/** The header ActiveSync servers write: WBXML 1.3, unknown public id, UTF-8, empty string table. */
const HEADER = [0x03, 0x01, UTF8_MIBENUM, 0x00];

const utf8 = new TextDecoder('utf-8');

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new WbxmlError('unexpected end of document', this.pos);
    return this.bytes[this.pos++];
  }

  /** mb_u_int32: at most 5 bytes, at most 2^32 - 1. */
  uint32(): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      value = value * 128 + (b & 0x7f);
      if (!(b & 0x80)) {
        if (value > 0xffffffff) throw new WbxmlError('mb_u_int32 out of range', start);
        return value;
      }
    }
    throw new WbxmlError('mb_u_int32 longer than 5 bytes', start);
  }

  /** Bytes up to the next NUL, which is consumed. */
  terminated(): Uint8Array {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) throw new WbxmlError('unterminated string', this.pos);
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) throw new WbxmlError('opaque data runs past the end', this.pos);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

export function decode(input: Uint8Array, maxDepth = WBXML_MAX_DEPTH): WbxmlElement {
  const r = new Reader(input);
  r.byte(); // version: 1.1-1.3 all decode the same
  const publicId = r.uint32();
  if (publicId === 0) r.uint32(); // public id given as a string-table index
  const charset = r.uint32();
  if (charset !== UTF8_MIBENUM && charset !== 0) throw new WbxmlError(`unsupported charset ${charset}`, r.pos);
  const tableLength = r.uint32();
  const table = r.take(tableLength);

  let page = 0;
  let root: WbxmlElement | undefined;
  const stack: WbxmlElement[] = [];
  const addText = (text: string, at: number) => {
    const parent = stack[stack.length - 1];
    if (!parent) throw new WbxmlError('text outside the root element', at);
    const last = parent.children[parent.children.length - 1];
    if (typeof last === 'string') parent.children[parent.children.length - 1] = last + text;
    else parent.children.push(text);
  };

  while (r.pos < input.length) {
    const at = r.pos;
    const token = r.byte();
    if (root && !stack.length) throw new WbxmlError('data after the root element', at);
    switch (token) {
      case SWITCH_PAGE: {
        page = r.byte();
        if (!isSupportedPage(page)) throw new WbxmlError(`unsupported code page ${page}`, at);
        continue;
      }
      case END:
        if (!stack.pop()) throw new WbxmlError('END without an open element', at);
        continue;
      case ENTITY: {
        const code = r.uint32();
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new WbxmlError('invalid character entity', at);
        addText(String.fromCodePoint(code), at);
        continue;
      }
      case STR_I:
        addText(utf8.decode(r.terminated()), at);
        continue;
      case STR_T: {
        const offset = r.uint32();
        const end = offset < table.length ? table.indexOf(0, offset) : -1;
        if (end < 0) throw new WbxmlError('string table reference out of range', at);
        addText(utf8.decode(table.subarray(offset, end)), at);
        continue;
      }
      case OPAQUE: {
        const parent = stack[stack.length - 1];
        if (!parent) throw new WbxmlError('opaque data outside the root element', at);
        parent.children.push(Uint8Array.from(r.take(r.uint32())));
        continue;
      }
    }
    if (token & WITH_ATTRIBUTES || (token & 0x3f) < 0x05) throw new WbxmlError(`token 0x${token.toString(16).padStart(2, '0')} is not used by ActiveSync`, at);
    const name = tagName(page, token & 0x3f);
    if (!name) throw new WbxmlError(`unknown tag 0x${(token & 0x3f).toString(16)} on code page ${page}`, at);
    const element: WbxmlElement = { ns: name.namespace, tag: name.name, children: [] };
    if (stack.length) stack[stack.length - 1].children.push(element);
    else if (!root) root = element;
    if (token & WITH_CONTENT) {
      if (stack.length >= maxDepth) throw new WbxmlError(`elements nested deeper than ${maxDepth}`, at);
      stack.push(element);
    }
  }
  if (!root) throw new WbxmlError('no root element', r.pos);
  if (stack.length) throw new WbxmlError(`unclosed element ${stack[stack.length - 1].tag}`, r.pos);
  return root;
}

class Writer {
  readonly chunks: Uint8Array[] = [];
  #small: number[] = [];
  page = 0;

  push(...bytes: number[]): void {
    this.#small.push(...bytes);
  }

  uint32(value: number): void {
    const out = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
    this.push(...out);
  }

  bytes(data: Uint8Array): void {
    this.flush();
    this.chunks.push(data);
  }

  flush(): void {
    if (this.#small.length) this.chunks.push(Uint8Array.from(this.#small));
    this.#small = [];
  }
}

export function encode(root: WbxmlElement): Buffer {
  const w = new Writer();
  w.push(...HEADER);
  writeElement(w, root, 0);
  w.flush();
  return Buffer.concat(w.chunks);
}

function writeElement(w: Writer, element: WbxmlElement, depth: number): void {
  if (depth >= WBXML_MAX_DEPTH) throw new WbxmlError(`elements nested deeper than ${WBXML_MAX_DEPTH}`, 0);
  const code = tagToken(element.ns, element.tag);
  if (!code) throw new WbxmlError(`no token for ${element.ns}:${element.tag}`, 0);
  if (code.page !== w.page) {
    w.push(SWITCH_PAGE, code.page);
    w.page = code.page;
  }
  if (!element.children.length) {
    w.push(code.token);
    return;
  }
  w.push(code.token | WITH_CONTENT);
  for (const child of element.children) {
    if (typeof child === 'string') {
      if (child.includes('\0')) throw new WbxmlError(`NUL in the text of ${element.ns}:${element.tag}`, 0);
      w.push(STR_I);
      w.bytes(Buffer.from(child, 'utf8'));
      w.push(0x00);
    } else if (child instanceof Uint8Array) {
      w.push(OPAQUE);
      w.uint32(child.length);
      w.bytes(child);
    } else writeElement(w, child, depth + 1);
  }
  w.push(END);
}
