// WS-Management envelopes: read the header of a request (Action, MessageID, ResourceURI) with
// a real XML parser, and build the Create response and the faults with a real XML builder.
import { randomUUID } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import { parseUntrustedXml, xmlChild as child, xmlText as text_ } from '../xml-untrusted.js';
import { ACTIONS, ANONYMOUS, EXCHANGE_RESOURCE_URI, NS, SHELL, type WsmanFault } from './replies.js';

export interface WsmanRequest {
  action: string;
  messageId: string | undefined;
  resourceUri: string;
}

const builder = new XMLBuilder({ ignoreAttributes: false, suppressBooleanAttributes: false, suppressEmptyNode: true });

/** The request's addressing headers, or null for anything that is not a SOAP envelope. */
export function parseWsman(body: Buffer | undefined): WsmanRequest | null {
  const soap = child(parseUntrustedXml(body), 'Envelope');
  const header = child(soap, 'Header');
  if (header === undefined || child(soap, 'Body') === undefined) return null;
  const action = text_(child(header, 'Action'));
  if (!action) return null;
  return { action, messageId: text_(child(header, 'MessageID')), resourceUri: text_(child(header, 'ResourceURI')) ?? EXCHANGE_RESOURCE_URI };
}

function envelope(action: string, relatesTo: string | undefined, body: Record<string, unknown>): string {
  const header: Record<string, unknown> = {
    'a:Action': action,
    'a:MessageID': `uuid:${randomUUID().toUpperCase()}`,
    'a:To': ANONYMOUS,
  };
  if (relatesTo) header['a:RelatesTo'] = relatesTo;
  return builder.build({
    's:Envelope': {
      '@_xml:lang': 'en-US',
      '@_xmlns:s': NS.soap,
      '@_xmlns:a': NS.addressing,
      '@_xmlns:x': NS.transfer,
      '@_xmlns:w': NS.wsman,
      '@_xmlns:rsp': NS.shell,
      's:Header': header,
      's:Body': body,
    },
  });
}

/** WS-Transfer CreateResponse for a new shell (MS-WSMV §3.1.4.1.5). */
export function createResponse(request: WsmanRequest, f: { shellId: string; address: string; owner: string; clientIp: string }): string {
  return envelope(ACTIONS.createResponse, request.messageId, {
    'x:ResourceCreated': {
      'a:Address': f.address,
      'a:ReferenceParameters': {
        'w:ResourceURI': request.resourceUri,
        'w:SelectorSet': { 'w:Selector': { '@_Name': 'ShellId', '#text': f.shellId } },
      },
    },
    'rsp:Shell': {
      'rsp:ShellId': f.shellId,
      'rsp:ResourceUri': request.resourceUri,
      'rsp:Owner': f.owner,
      'rsp:ClientIP': f.clientIp,
      'rsp:IdleTimeOut': SHELL.idleTimeOut,
      'rsp:InputStreams': SHELL.inputStreams,
      'rsp:OutputStreams': SHELL.outputStreams,
      'rsp:ShellRunTime': 'P0DT0H0M0S',
      'rsp:ShellInactivity': 'P0DT0H0M0S',
    },
  });
}

/** A SOAP 1.2 fault with WinRM's WSManFault detail. */
export function faultEnvelope(fault: WsmanFault, relatesTo: string | undefined, machine: string): string {
  const detail: Record<string, unknown> = { '@_xmlns:f': NS.wsmanFault, '@_Machine': machine, 'f:Message': fault.message };
  if (fault.wsmanCode !== undefined) detail['@_Code'] = String(fault.wsmanCode);
  return envelope(ACTIONS.fault, relatesTo, {
    's:Fault': {
      's:Code': { 's:Value': fault.code, 's:Subcode': { 's:Value': fault.subcode } },
      's:Reason': { 's:Text': { '@_xml:lang': 'en-US', '#text': fault.message } },
      's:Detail': { 'f:WSManFault': detail },
    },
  });
}
