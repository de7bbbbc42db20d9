// OData v2 payloads as WCF Data Services writes them: the AtomPub service document, the CSDL
// $metadata, Atom feeds, verbose JSON (`{"d":{"results":[...]}}`, dates as `\/Date(ms)\/`,
// Int64 as strings) and the error bodies. Built with a real XML builder and JSON.stringify.
import { XMLBuilder } from 'fast-xml-parser';
import { CONTAINER, NS, SCHEMA, type ODataError } from './replies.js';
import type { EdmType, Report, Row, Value } from './reports.js';

const builder = new XMLBuilder({ ignoreAttributes: false, suppressBooleanAttributes: false, suppressEmptyNode: true });
const declaration = { '?xml': { '@_version': '1.0', '@_encoding': 'utf-8', '@_standalone': 'yes' } };

export function serviceDocumentXml(serviceUrl: string, reports: readonly Report[]): string {
  return builder.build({
    ...declaration,
    service: {
      '@_xml:base': `${serviceUrl}/`,
      '@_xmlns:atom': NS.atom,
      '@_xmlns:app': NS.app,
      '@_xmlns': NS.app,
      workspace: {
        'atom:title': 'Default',
        collection: reports.map((r) => ({ '@_href': r.name, 'atom:title': r.name })),
      },
    },
  });
}

export function serviceDocumentJson(reports: readonly Report[]): string {
  return JSON.stringify({ d: { EntitySets: reports.map((r) => r.name) } });
}

export function metadataXml(reports: readonly Report[]): string {
  return builder.build({
    ...declaration,
    'edmx:Edmx': {
      '@_Version': '1.0',
      '@_xmlns:edmx': NS.edmx,
      'edmx:DataServices': {
        '@_m:DataServiceVersion': '2.0',
        '@_xmlns:m': NS.metadata,
        Schema: {
          '@_Namespace': SCHEMA,
          '@_xmlns': NS.edm,
          EntityType: reports.map((r) => ({
            '@_Name': r.name,
            Key: { PropertyRef: { '@_Name': r.key } },
            Property: r.properties.map((p) => ({ '@_Name': p.name, '@_Type': p.type, '@_Nullable': String(p.name !== r.key) })),
          })),
          EntityContainer: {
            '@_Name': CONTAINER,
            '@_m:IsDefaultEntityContainer': 'true',
            EntitySet: reports.map((r) => ({ '@_Name': r.name, '@_EntityType': `${SCHEMA}.${r.name}` })),
          },
        },
      },
    },
  });
}

/** The key predicate of an entry's URI: `MessageTrace(0)`, `MailboxUsageDetail('alice%40contoso.com')`. */
function entryPath(report: Report, row: Row): string {
  const key = row[report.key];
  const literal = typeof key === 'number' ? String(key) : `'${encodeURIComponent(String(key).replace(/'/g, "''"))}'`;
  return `${report.name}(${literal})`;
}

function typeOf(report: Report, name: string): EdmType {
  return report.properties.find((p) => p.name === name)!.type;
}

/** Atom property values (`2013-06-18T12:50:11.937` for Edm.DateTime, as WCF writes it). */
function atomValue(value: Value): string {
  if (value instanceof Date) return value.toISOString().replace(/Z$/, '');
  return String(value);
}

export function feedAtom(serviceUrl: string, report: Report, rows: Row[], selected: string[], updated: Date, next: string | null): string {
  const stamp = updated.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const entries = rows.map((row) => {
    const properties: Record<string, unknown> = {};
    for (const name of selected) {
      const value = row[name] ?? null;
      const type = typeOf(report, name);
      const element: Record<string, unknown> = {};
      if (type !== 'Edm.String') element['@_m:type'] = type;
      if (value === null) element['@_m:null'] = 'true';
      else element['#text'] = atomValue(value);
      properties[`d:${name}`] = element;
    }
    const path = entryPath(report, row);
    return {
      id: `${serviceUrl}/${path}`,
      title: { '@_type': 'text' },
      updated: stamp,
      author: { name: '' },
      link: { '@_rel': 'edit', '@_title': report.name, '@_href': path },
      category: { '@_term': `${SCHEMA}.${report.name}`, '@_scheme': NS.scheme },
      content: { '@_type': 'application/xml', 'm:properties': properties },
    };
  });
  const links: Record<string, string>[] = [{ '@_rel': 'self', '@_title': report.name, '@_href': report.name }];
  if (next) links.push({ '@_rel': 'next', '@_href': next });
  return builder.build({
    ...declaration,
    feed: {
      '@_xml:base': `${serviceUrl}/`,
      '@_xmlns:d': NS.data,
      '@_xmlns:m': NS.metadata,
      '@_xmlns': NS.atom,
      title: { '@_type': 'text', '#text': report.name },
      id: `${serviceUrl}/${report.name}`,
      updated: stamp,
      link: links,
      entry: entries,
    },
  });
}

/** Verbose JSON values: `\/Date(ms)\/` for dates, strings for Int64 (OData v2). */
function jsonValue(value: Value, type: EdmType): unknown {
  if (value === null) return null;
  if (value instanceof Date) return `/Date(${value.getTime()})/`;
  if (type === 'Edm.Int64') return String(value);
  return value;
}

export function feedJson(serviceUrl: string, report: Report, rows: Row[], selected: string[], next: string | null): string {
  const results = rows.map((row) => {
    const uri = `${serviceUrl}/${entryPath(report, row)}`;
    const out: Record<string, unknown> = { __metadata: { id: uri, uri, type: `${SCHEMA}.${report.name}` } };
    for (const name of selected) out[name] = jsonValue(row[name] ?? null, typeOf(report, name));
    return out;
  });
  const d: Record<string, unknown> = { results };
  if (next) d.__next = next;
  // WCF writes the slashes of a date escaped; `\/` is the same string to every JSON reader.
  return JSON.stringify({ d }).replace(/"\/Date\((-?\d+)\)\/"/g, '"\\/Date($1)\\/"');
}

export function errorXml(error: ODataError): string {
  return builder.build({
    ...declaration,
    error: { '@_xmlns': NS.metadata, code: '', message: { '@_xml:lang': 'en-US', '#text': error.message } },
  });
}

export function errorJson(error: ODataError): string {
  return JSON.stringify({ error: { code: '', message: { lang: 'en-US', value: error.message } } });
}
