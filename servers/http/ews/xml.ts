// XML in and out for EWS, on fast-xml-parser. In: a strict, namespace-resolved element tree —
// no DTD (so no external entity and no entity expansion), only the five predefined entities
// and character references, one root element, bounded nesting. Out: trees of `Out` nodes
// rendered by fast-xml-parser's builder, which escapes every text and attribute value; client
// input never reaches the wire except as such an escaped value.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export const NS = {
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

/** Deepest element nesting read; a real EWS request is under 15 levels deep. */
export const MAX_XML_DEPTH = 64;

export interface XmlElement {
  ns: string;
  name: string;
  /** Attributes by local name (EWS attributes are unqualified). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside, entities decoded (empty when there is none). */
  text: string;
}

/** A request that is not well-formed XML, in the words .NET's XmlReader uses (what EWS echoes). */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line = 1,
    readonly column = 1,
  ) {
    super(message);
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Off: no DOCTYPE entity is ever expanded. The predefined ones are decoded below, strictly.
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: false,
  maxNestedTags: MAX_XML_DEPTH,
});

type Ordered = Record<string, unknown>;

/**
 * A DOCTYPE can only stand in the prolog; the same text inside CDATA (an HTML body) is data.
 * A linear scan: a regular expression over repeated PIs and comments would backtrack.
 */
function prologHasDoctype(text: string): boolean {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
    const close = text.startsWith('<?', i) ? '?>' : text.startsWith('<!--', i) ? '-->' : null;
    if (!close) return text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE';
    const end = text.indexOf(close, i + 2);
    if (end < 0) return false;
    i = end + close.length;
  }
}

/** Parses one XML document into a namespace-resolved tree; throws XmlSyntaxError, never anything else. */
export function parseXml(text: string): XmlElement {
  if (!/\S/.test(text)) throw new XmlSyntaxError('Root element is missing.');
  if (prologHasDoctype(text)) {
    throw new XmlSyntaxError(
      'For security reasons DTD is prohibited in this XML document. To enable DTD processing set the DtdProcessing property on XmlReaderSettings to Parse and pass the settings into XmlReader.Create method.',
    );
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg, valid.err.line, valid.err.col);
  let nodes: Ordered[];
  try {
    nodes = parser.parse(text) as Ordered[];
  } catch (error) {
    throw new XmlSyntaxError(error instanceof Error ? error.message : 'The XML is not well-formed.');
  }
  const roots = nodes.filter((n) => elementName(n) !== null);
  if (roots.length !== 1) throw new XmlSyntaxError(roots.length ? 'There are multiple root elements.' : 'Root element is missing.');
  if (nodes.some((n) => '#text' in n && /\S/.test(String(n['#text'])))) throw new XmlSyntaxError('Data at the root level is invalid.');
  return toElement(roots[0], new Map([['xml', NS.xml]]), 0);
}

function elementName(node: Ordered): string | null {
  for (const key of Object.keys(node)) if (key !== ':@' && key !== '#text' && key !== '#cdata') return key;
  return null;
}

function toElement(node: Ordered, scope: Map<string, string>, depth: number): XmlElement {
  if (depth > MAX_XML_DEPTH) throw new XmlSyntaxError('The XML nesting is too deep.');
  const qname = elementName(node)!;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  let inner = scope;
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      inner.set(name === 'xmlns' ? '' : name.slice(6), decodeEntities(value));
    }
  }
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const colon = name.indexOf(':');
    attrs[colon < 0 ? name : name.slice(colon + 1)] = decodeEntities(value);
  }
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? '' : qname.slice(0, colon);
  const ns = inner.get(prefix);
  if (ns === undefined && prefix) throw new XmlSyntaxError(`'${prefix}' is an undeclared prefix.`);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[qname] ?? []) as Ordered[]) {
    if ('#text' in child) text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) for (const part of child['#cdata'] as Ordered[]) text += checkChars(String(part['#text'] ?? ''));
    else if (elementName(child) !== null) children.push(toElement(child, inner, depth + 1));
  }
  return { ns: ns ?? '', name: colon < 0 ? qname : qname.slice(colon + 1), attrs, children, text };
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references; any other reference is an error, as without a DTD. */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return checkChars(raw);
  const out = raw.replace(/&([^;&\s]{0,12});?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlSyntaxError("An error occurred while parsing EntityName.");
    if (ref in PREDEFINED) return PREDEFINED[ref];
    const m = /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(ref);
    if (!m) throw new XmlSyntaxError(`Reference to undeclared entity '${ref}'.`);
    const code = m[1][0] === 'x' ? parseInt(m[1].slice(1), 16) : parseInt(m[1], 10);
    if (!validChar(code)) throw new XmlSyntaxError(`'${ref}', hexadecimal value 0x${code.toString(16).toUpperCase()}, is an invalid character.`);
    return String.fromCodePoint(code);
  });
  return checkChars(out);
}

function validChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

// eslint-disable-next-line no-control-regex
const INVALID_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

function checkChars(s: string): string {
  const bad = INVALID_CHARS.exec(s);
  if (bad) throw new XmlSyntaxError(`'${bad[0]}', hexadecimal value 0x${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}, is an invalid character.`);
  return s;
}

// --- reading helpers ---

export function child(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name && c.ns === ns);
}

export function childrenNamed(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name && c.ns === ns) : [];
}

export function childText(el: XmlElement | undefined, ns: string, name: string): string | undefined {
  return child(el, ns, name)?.text;
}

// --- writing ---

/** An element to render: prefixed name, attributes, and child elements or text. */
export interface Out {
  name: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  content?: (Out | null | undefined | false)[] | string | number | boolean;
}

export function el(name: string, attrs?: Out['attrs'] | null, content?: Out['content']): Out {
  return { name, attrs: attrs ?? undefined, content };
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
});

// Characters XML 1.0 cannot carry at all (a stored message may contain them): dropped on output.
// eslint-disable-next-line no-control-regex
const UNWRITABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function writable(value: string): string {
  return value.replace(UNWRITABLE, '');
}

function toOrdered(node: Out): Ordered {
  const out: Ordered = {};
  const content = node.content;
  if (Array.isArray(content)) out[node.name] = content.filter((c): c is Out => !!c).map(toOrdered);
  else if (content === undefined || content === '') out[node.name] = [];
  else out[node.name] = [{ '#text': writable(String(content)) }];
  if (node.attrs) {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(node.attrs)) if (v !== undefined) attrs[`@_${k}`] = writable(String(v));
    out[':@'] = attrs;
  }
  return out;
}

export function renderXml(root: Out): string {
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build([toOrdered(root)]) as string}`;
}
