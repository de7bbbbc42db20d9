// The requests `exogate load` sends to EWS and ActiveSync: the sign-in request each client
// opens with, and the after-login actions. Each reply is read back to the words that decide
// it (EWS's ResponseCode, ActiveSync's Status), so a run counts what the server said.
import { decode, encode } from '../../servers/http/eas/wbxml/codec.js';
import { el, first, isElement, text } from '../../servers/http/eas/wbxml/tree.js';
import type { BodyReader, HttpCall } from './http.js';

const SOAP_HEAD =
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header><soap:Body>';
const SOAP_TAIL = '</soap:Body></soap:Envelope>';
const soap = (body: string) => Buffer.from(SOAP_HEAD + body + SOAP_TAIL);
const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

const GET_FOLDER = soap('<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>');
const FIND_ITEM = soap(
  '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>',
);
const createItem = (user: string) =>
  soap(
    `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"/></m:SavedItemFolderId><m:Items><t:Message><t:Subject>exogate load</t:Subject><t:Body BodyType="Text">Sent by exogate load.</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>${escapeXml(user)}</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>`,
  );

export type HttpAction = 'none' | 'fetch' | 'send';

/** The EWS request of one session: GetFolder (sign-in), FindItem (fetch) or CreateItem (send). */
export function ewsCall(user: string, authorization: string, action: HttpAction): HttpCall {
  const body = action === 'fetch' ? FIND_ITEM : action === 'send' ? createItem(user) : GET_FOLDER;
  return { method: 'POST', path: '/EWS/Exchange.asmx', headers: { 'content-type': 'text/xml; charset=utf-8', authorization }, body };
}

/** A 200 from EWS says how the operation went in its first ResponseCode (NoError, ErrorAccessDenied, ...). */
export const readEwsBody: BodyReader = (status, _type, body) => {
  if (status !== 200 && status !== 500) return undefined;
  const text = body.toString('utf8');
  const code = /<m:ResponseCode>([^<]+)<\/m:ResponseCode>/.exec(text) ?? /<faultstring[^>]*>([^<]+)<\/faultstring>/.exec(text);
  return code ? `ResponseCode=${code[1]}` : undefined;
};

/** The device every load session claims to be: one per user, as each phone is. */
const deviceId = (user: string) => `EXOLOAD${Buffer.from(user).toString('hex').slice(0, 24)}`;
const FOLDER_SYNC = encode(el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'SyncKey', '0')));

/** ActiveSync's sign-in request: a first FolderSync, as a phone sends once it is set up. */
export function easCall(user: string, authorization: string): HttpCall {
  return {
    method: 'POST',
    path: `/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=${encodeURIComponent(user)}&DeviceId=${deviceId(user)}&DeviceType=ExogateLoad`,
    headers: { 'content-type': 'application/vnd.ms-sync.wbxml', 'ms-asprotocolversion': '16.1', authorization },
    body: FOLDER_SYNC,
  };
}

/** A 200 FolderSync answers with its Status (1 = synced, 142 = provision first, ...). */
export const readEasBody: BodyReader = (status, type, body) => {
  if (status !== 200 || !type.includes('wbxml') || !body.length) return undefined;
  try {
    const root = decode(body);
    const s = first(root, 'Status');
    return `${root.tag} Status=${isElement(s) ? text(s) : '?'}`;
  } catch {
    return 'undecodable WBXML';
  }
};
