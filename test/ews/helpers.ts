// EWS test helpers: a seed for EWS (BASE_SEED plus two tenants of its own), SOAP request
// envelopes as clients write them, and a reader for the answers that looks elements up by
// namespace-free name.
import { XMLParser } from 'fast-xml-parser';
import type { Gateway } from '../../index.js';
import { BASE_SEED } from '../helpers/gateway.js';
import { https, token, type Response } from '../helpers/https.js';

export const EWS_APP = '00000000-0000-0000-0000-0000000000e1';
export const EWS_APP_SP = '00000000-0000-0000-0000-0000000000e2';
export const EWS_APP_NO_RIGHTS = '00000000-0000-0000-0000-0000000000e3';

/** BASE_SEED plus tailspin (EWS apps, a policy, a mailbox with EWS off) and adatum (EWS Basic blocked by Microsoft). */
export const EWS_SEED = `${BASE_SEED}
  - name: tailspin
    domains: [tailspin.com]
    phase: before-programme
    authenticationPolicies:
      - name: NoBasicEws
        allowBasicAuth: { ews: false }
    users:
      - upn: tom@tailspin.com
        displayName: Tom Tailspin
        password: "Tom-Passw0rd!"
        roles: [GlobalAdministrator]
      - upn: una@tailspin.com
        displayName: Una Tailspin
        password: "Una-Passw0rd!"
      - upn: vic@tailspin.com
        displayName: Vic Tailspin
        password: "Vic-Passw0rd!"
        casMailbox: { ews: false }
      - upn: wes@tailspin.com
        displayName: Wes Tailspin
        password: "Wes-Passw0rd!"
        authenticationPolicy: NoBasicEws
      - upn: shared@tailspin.com
        displayName: Shared Tailspin
    apps:
      - clientId: ${EWS_APP}
        objectId: ${EWS_APP_SP}
        displayName: EWS App
        secret: "ews-secret"
        delegated: [EWS.AccessAsUser.All, SMTP.Send, IMAP.AccessAsUser.All]
        application: [full_access_as_app]
        servicePrincipal: true
        mailboxPermissions: [ { mailbox: una@tailspin.com, rights: FullAccess }, { mailbox: vic@tailspin.com, rights: FullAccess } ]
      - clientId: ${EWS_APP_NO_RIGHTS}
        displayName: EWS App Without Rights
        secret: "ews-secret-2"
        application: [full_access_as_app]
        servicePrincipal: true
  - name: adatum
    domains: [adatum.com]
    phase: before-programme
    basicAuthBlockedApps: [ews]
    users:
      - upn: ada@adatum.com
        password: "Ada-Passw0rd!"
`;

export const EWS = '/EWS/Exchange.asmx';
const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';
const S = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A SOAP 1.1 request as EWS clients send it; `header` goes inside soap:Header after RequestServerVersion. */
export function envelope(body: string, header = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="${S}" xmlns:m="${M}" xmlns:t="${T}">
  <soap:Header><t:RequestServerVersion Version="Exchange2016"/>${header}</soap:Header>
  <soap:Body>${body}</soap:Body>
</soap:Envelope>`;
}

export const impersonate = (address: string) => `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>${address}</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;

export const GET_INBOX = envelope(`<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>`);

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export function ews(gw: Gateway, authorization: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return https(gw, 'POST', EWS, { body, headers: { 'content-type': 'text/xml; charset=utf-8', authorization, ...headers } });
}

/** A delegated EWS token (password flow through the EWS app). */
export const ewsUserToken = (gw: Gateway, username: string, password: string, scope = 'https://outlook.office365.com/EWS.AccessAsUser.All') =>
  token(gw, 'tailspin.com', { grant_type: 'password', client_id: EWS_APP, client_secret: 'ews-secret', username, password, scope });

/** An app-only token (client credentials) carrying full_access_as_app. */
export const ewsAppToken = (gw: Gateway, clientId = EWS_APP, secret = 'ews-secret') =>
  token(gw, 'tailspin.com', { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://outlook.office365.com/.default' });

const reader = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute });

export type Node = Record<string, unknown[]> & Record<`@${string}`, string>;

/** The parsed answer; every element is an array (isArray), attributes are "@Name". */
export function soap(res: Response): Node {
  return reader.parse(res.text) as Node;
}

/** Every element with this local name, anywhere below `node`, in document order. */
export function all(node: unknown, name: string): Node[] {
  const out: Node[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) {
      if (k === name) (v as Node[]).forEach((x) => out.push(x));
      if (!k.startsWith('@')) walk(v);
    }
  };
  walk(node);
  return out;
}

export function first(node: unknown, name: string): Node | undefined {
  return all(node, name)[0];
}

/** Text of the first element with this name (elements without attributes parse to strings). */
export function textOf(node: unknown, name: string): string | undefined {
  const found = all(node, name)[0] as unknown;
  if (found === undefined) return undefined;
  if (typeof found === 'string') return found;
  const t = (found as Record<string, unknown>)['#text'];
  return typeof t === 'string' ? t : '';
}

/** ResponseClass and ResponseCode of every response message, in order. */
export function codes(res: Response): string[] {
  return all(soap(res), 'ResponseMessages').flatMap((rm) =>
    Object.entries(rm)
      .filter(([k]) => k.endsWith('ResponseMessage'))
      .flatMap(([, list]) => (list as Node[]).map((m) => `${m['@ResponseClass']}:${textOf(m, 'ResponseCode')}`)),
  );
}

export function faultCode(res: Response): string | undefined {
  return textOf(first(soap(res), 'detail'), 'ResponseCode');
}

/** A message in RFC 5322 form for delivery. */
export function rfc822(from: string, to: string, subject: string, text: string): string {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: Tue, 04 Nov 2025 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
}
