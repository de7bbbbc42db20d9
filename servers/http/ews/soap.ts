// The SOAP envelope of an EWS request and of its answer: what the header says (impersonation,
// requested version), which operation the body holds, and the two shapes a reply takes — a
// response inside an envelope whose header carries ServerVersionInfo, or a SOAP fault (HTTP 500)
// for errors of the request as a whole, with EWS's ResponseCode in the fault's detail.
import { EXCHANGE_BUILD } from '../auth/headers.js';
import { EWS_ERRORS, SERVER_SCHEMA_VERSION, type EwsError } from './replies.js';
import { child, childText, el, NS, parseXml, renderXml, XmlSyntaxError, type Out, type XmlElement } from './xml.js';

export type SoapVersion = '1.1' | '1.2';

/** The mailbox an ExchangeImpersonation header names, by the element that named it. */
export interface Impersonation {
  kind: 'PrimarySmtpAddress' | 'SmtpAddress' | 'PrincipalName' | 'SID';
  value: string;
}

export interface SoapRequest {
  version: SoapVersion;
  /** RequestServerVersion's Version, if given (Exchange2013_SP1, ...). */
  serverVersion: string | undefined;
  impersonation: Impersonation | undefined;
  /** The operation element: GetFolder, FindItem, ... in the messages namespace. */
  operation: XmlElement;
}

/** An error of the whole request: rendered as a SOAP fault with HTTP 500. */
export class EwsFault extends Error {
  constructor(
    readonly error: EwsError,
    /** Replaces the table's text in faultstring (schema errors append the violation). */
    readonly faultString = error.text,
    /** Name/value pairs for t:MessageXml. */
    readonly details: readonly [string, string][] = [],
    readonly position?: { line: number; column: number; violation: string },
  ) {
    super(faultString);
  }
}

export function schemaFault(violation: string, line = 1, column = 1): EwsFault {
  const base = EWS_ERRORS.schemaValidation;
  return new EwsFault(base, `The request failed schema validation: ${violation}`, [], { line, column, violation });
}

/** An element of the messages namespace without a required child (the schema's "incomplete content"). */
export function missingChild(parent: string, expected: string): EwsFault {
  return schemaFault(`The element '${parent}' in namespace '${NS.messages}' has incomplete content. List of possible elements expected: '${expected}' in namespace '${NS.messages}'.`);
}

/** A value outside its schema enumeration (a type of the types namespace). */
export function notInEnumeration(kind: 'attribute' | 'element', name: string, value: string, type: string): EwsFault {
  return schemaFault(`The '${name}' ${kind} is invalid - The value '${value}' is invalid according to its datatype '${NS.types}:${type}' - The Enumeration constraint failed.`);
}

export function parseSoapRequest(body: string): SoapRequest {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      const where = `Line ${error.line}, position ${error.column}.`;
      throw schemaFault(`${error.message.replace(/\.$/, '')}. ${where}`, error.line, error.column);
    }
    throw error;
  }
  const version: SoapVersion | null = root.ns === NS.soap11 ? '1.1' : root.ns === NS.soap12 ? '1.2' : null;
  if (root.name !== 'Envelope' || !version) {
    throw schemaFault(`The root element '${root.name}' is not a SOAP Envelope in namespace '${NS.soap11}'.`);
  }
  const soapNs = version === '1.1' ? NS.soap11 : NS.soap12;
  const header = child(root, soapNs, 'Header');
  const bodyEl = child(root, soapNs, 'Body');
  if (!bodyEl) throw schemaFault(`The element 'Envelope' in namespace '${soapNs}' has incomplete content. List of possible elements expected: 'Body'.`);
  const operations = bodyEl.children;
  if (operations.length !== 1) {
    throw schemaFault(operations.length ? 'The SOAP Body holds more than one operation.' : `The element 'Body' in namespace '${soapNs}' has incomplete content.`);
  }
  const operation = operations[0];
  if (operation.ns !== NS.messages) {
    throw schemaFault(`The element '${operation.name}' in namespace '${operation.ns}' is not an operation of namespace '${NS.messages}'.`);
  }
  return {
    version,
    serverVersion: child(header, NS.types, 'RequestServerVersion')?.attrs.Version,
    impersonation: impersonationOf(header),
    operation,
  };
}

function impersonationOf(header: XmlElement | undefined): Impersonation | undefined {
  const impersonation = child(header, NS.types, 'ExchangeImpersonation');
  if (!impersonation) return undefined;
  const sid = child(impersonation, NS.types, 'ConnectingSID');
  for (const kind of ['PrimarySmtpAddress', 'SmtpAddress', 'PrincipalName', 'SID'] as const) {
    const value = childText(sid, NS.types, kind)?.trim();
    if (value) return { kind, value };
  }
  // A header that names nobody.
  throw new EwsFault(EWS_ERRORS.impersonationHeaderInvalid);
}

const envelopeNs = (version: SoapVersion) => (version === '1.1' ? NS.soap11 : NS.soap12);

export function contentTypeOf(version: SoapVersion): string {
  return version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8';
}

/** A response element (m:GetFolderResponse ...) in Exchange Online's envelope. */
export function renderResponse(version: SoapVersion, response: Out): string {
  const [major, minor, build, revision] = EXCHANGE_BUILD.split('.').map(Number);
  const body: Out = { ...response, attrs: { 'xmlns:m': NS.messages, 'xmlns:t': NS.types, ...response.attrs } };
  return renderXml(
    el('s:Envelope', { 'xmlns:s': envelopeNs(version) }, [
      el('s:Header', null, [
        el('h:ServerVersionInfo', {
          MajorVersion: major,
          MinorVersion: minor,
          MajorBuildNumber: build,
          MinorBuildNumber: revision,
          Version: SERVER_SCHEMA_VERSION,
          'xmlns:h': NS.types,
          xmlns: NS.types,
          'xmlns:xsi': NS.xsi,
          'xmlns:xsd': NS.xsd,
        }),
      ]),
      el('s:Body', { 'xmlns:xsi': NS.xsi, 'xmlns:xsd': NS.xsd }, [body]),
    ]),
  );
}

/** A SOAP fault carrying EWS's ResponseCode; the HTTP status is 500. */
export function renderFault(version: SoapVersion, fault: EwsFault): string {
  const { code } = fault.error;
  const detail: Out[] = [
    el('e:ResponseCode', { 'xmlns:e': NS.errors }, code),
    el('e:Message', { 'xmlns:e': NS.errors }, fault.error.text),
  ];
  if (fault.position) {
    detail.push(
      el('t:MessageXml', { 'xmlns:t': NS.types }, [
        el('t:LineNumber', null, fault.position.line),
        el('t:LinePosition', null, fault.position.column),
        el('t:Violation', null, fault.position.violation),
      ]),
    );
  } else if (fault.details.length) {
    detail.push(el('t:MessageXml', { 'xmlns:t': NS.types }, fault.details.map(([name, value]) => el('t:Value', { Name: name }, value))));
  }
  const sender = code === 'ErrorSchemaValidation';
  const faultEl =
    version === '1.1'
      ? el('s:Fault', null, [
          el('faultcode', { 'xmlns:a': NS.types }, `a:${code}`),
          el('faultstring', { 'xml:lang': 'en-US' }, fault.faultString),
          el('detail', null, detail),
        ])
      : el('s:Fault', null, [
          el('s:Code', null, [el('s:Value', null, sender ? 's:Sender' : 's:Receiver'), el('s:Subcode', null, [el('s:Value', { 'xmlns:a': NS.types }, `a:${code}`)])]),
          el('s:Reason', null, [el('s:Text', { 'xml:lang': 'en-US' }, fault.faultString)]),
          el('s:Detail', null, detail),
        ]);
  return renderXml(el('s:Envelope', { 'xmlns:s': envelopeNs(version) }, [el('s:Body', null, [faultEl])]));
}
