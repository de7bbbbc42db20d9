// Reading small XML request bodies from clients (Autodiscover POX, WS-Management) the way .NET's
// XmlReader with DtdProcessing.Prohibit does: a DTD is refused outright, so nothing but the five
// XML entities can expand; malformed XML is refused before parsing. Namespace prefixes are
// dropped and only element text is kept — what these handlers read.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
});

/** The parsed document, or null for a body that is empty, malformed or carries a DTD. */
export function parseUntrustedXml(body: Buffer | undefined): unknown {
  if (!body?.length) return null;
  const text = body.toString('utf8');
  if (/<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) return null;
  try {
    return parser.parse(text);
  } catch {
    return null;
  }
}

/** The first child element of that (prefix-less) name. */
export function xmlChild(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An element's text, or undefined when it is absent or empty. */
export function xmlText(node: unknown): string | undefined {
  return typeof node === 'string' && node ? node : undefined;
}
