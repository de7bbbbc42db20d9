// What Outlook's endpoints put on the wire: MAPI/HTTP's response codes, request types and
// framing (MS-OXCMAPIHTTP), RPC/HTTP's empty answer, the OAB manifest (MS-OXWOAB). exogate
// emulates the sign-in of these endpoints and the first exchange of each, not MAPI itself.
//
// WHAT IS ANSWERED (a full MAPI implementation is not part of exogate):
//
//   /mapi/emsmdb  Connect            200, X-ResponseCode 0, a real Connect success body (DnPrefix,
//                                    DisplayName, polling values) and the MapiContext cookie
//                 Disconnect         X-ResponseCode 0, success body, cookies expired
//                 NotificationWait   X-ResponseCode 0, success body, no event pending
//                 PING               X-ResponseCode 0, meta-tags only
//                 Execute            X-ResponseCode 0, the type's failure body with StatusCode
//                                    ecNotSupported (0x80040102): ROPs are not carried out
//   /mapi/nspi    Bind               X-ResponseCode 0, success body (ServerGuid = tenant id)
//                 Unbind             X-ResponseCode 0, success body, cookies expired
//                 GetMailboxUrl,     X-ResponseCode 0, the exogate URL of the mailbox's emsmdb /
//                 GetAddressBookUrl  nspi endpoint
//                 PING               X-ResponseCode 0, meta-tags only
//                 every other type   X-ResponseCode 0, failure body, StatusCode ecNotSupported
//   both          GET                the "Exchange MAPI/HTTP Connectivity Endpoint" page
//                 other verbs        X-ResponseCode 2; unknown X-RequestType 5; a required header
//                                    missing 7; wrong Content-Type 4; no MapiContext cookie where
//                                    a session is needed 13; body over the limit 9; a Connect or
//                                    Bind body that does not parse 12
//   /rpc/rpcproxy.dll  any verb      200, Content-Type application/rpc, empty body: the channel
//                                    ends at once (no RTS conversation), and Outlook falls back
//   /OAB/{id}/oab.xml  GET           the manifest of one offline address list with no files
//                                    (MS-OXWOAB); any other file 404

/** MS-OXCMAPIHTTP §2.2.3.3.3. */
export const RESPONSE_CODES = {
  success: { code: 0, name: 'Success', text: 'The request was properly formatted and accepted.' },
  invalidVerb: { code: 2, name: 'Invalid Verb', text: 'The request has an invalid verb.' },
  invalidHeader: { code: 4, name: 'Invalid Header', text: 'The request has an invalid header.' },
  invalidRequestType: { code: 5, name: 'Invalid Request Type', text: 'The request has an invalid X-RequestType header.' },
  missingHeader: { code: 7, name: 'Missing Header', text: 'The request has a missing required header.' },
  tooLarge: { code: 9, name: 'Too Large', text: 'The request is too large.' },
  invalidRequestBody: { code: 12, name: 'Invalid Request Body', text: 'The request body is invalid.' },
  missingCookie: { code: 13, name: 'Missing Cookie', text: 'The request is missing a required cookie.' },
} as const;

export type ResponseCode = (typeof RESPONSE_CODES)[keyof typeof RESPONSE_CODES];

/** Request types of each endpoint (MS-OXCMAPIHTTP §2.2.3.3.1), as clients spell them. */
export const EMSMDB_TYPES = ['Connect', 'Execute', 'Disconnect', 'NotificationWait', 'PING'] as const;
export const NSPI_TYPES = [
  'Bind',
  'Unbind',
  'CompareMIds',
  'DNToMId',
  'GetMatches',
  'GetPropList',
  'GetProps',
  'GetSpecialTable',
  'GetTemplateInfo',
  'ModLinkAtt',
  'ModProps',
  'QueryColumns',
  'QueryRows',
  'ResolveNames',
  'ResortRestriction',
  'SeekEntries',
  'UpdateStat',
  'GetMailboxUrl',
  'GetAddressBookUrl',
  'PING',
] as const;

/** Request types that open a session or need none; every other one needs the MapiContext cookie. */
export const SESSIONLESS_TYPES: ReadonlySet<string> = new Set(['Connect', 'Bind', 'PING']);

export const MAPI_CONTENT_TYPE = 'application/mapi-http';
/** Content types a MAPI/HTTP request may carry (MS-OXCMAPIHTTP §2.2.3.1). */
export const MAPI_REQUEST_TYPES: ReadonlySet<string> = new Set(['application/mapi-http', 'application/octet-stream']);

/** MAPI_E_NO_SUPPORT / ecNotSupported ([MS-OXCDATA] §2.4). */
export const EC_NOT_SUPPORTED = 0x80040102;

/** Session values the server announces (MS-OXCMAPIHTTP §2.2.3.3.5-6, §2.2.4.1.2). */
export const SESSION = {
  pendingPeriodMs: 15_000,
  expirationMs: 900_000,
  maxPollingIntervalMs: 60_000,
  maxRetryCount: 6,
  retryDelayMs: 10_000,
} as const;


/** The page a browser sees at /mapi/emsmdb or /mapi/nspi once signed in (Exchange's own layout). */
export function connectivityPage(f: { build: string; vdir: string; dn: string; upn: string; organization: string; frontEnd: string; mailbox: string; created: Date }): string {
  return (
    '<html><head><title>Exchange MAPI/HTTP Connectivity Endpoint</title></head><body>' +
    `<p>Exchange MAPI/HTTP Connectivity Endpoint<br><br>Version: ${f.build}<br>Vdir Path: ${f.vdir}<br><br></p>` +
    `<p><b>User:</b> ${f.dn}<br><b>UPN:</b> ${f.upn}<br><b>Organization:</b> ${f.organization}<br><br>` +
    `<b>Cafe:</b> ${f.frontEnd}<br><b>Mailbox:</b> ${f.mailbox}<br><b>Created:</b> ${f.created.toISOString()}<br></p>` +
    '</body></html>'
  );
}

/** A non-zero X-ResponseCode's body: diagnostic text, as the client is told to read it. */
export function responseCodePage(code: ResponseCode): string {
  return `<html><head><title>${code.name}</title></head><body><p>${code.text}</p></body></html>`;
}

// --- RPC/HTTP ---

export const RPC_CONTENT_TYPE = 'application/rpc';

// --- OAB (MS-OXWOAB §2.2.4.1) ---

export const OAB_CONTENT_TYPE = 'text/xml';
export const OAL = {
  dn: '/o=ExchangeLabs/cn=addrlists/cn=oabs/cn=Default Offline Address Book',
  name: '\\Global Address List',
} as const;

const iisPage = (title: string) => `<!DOCTYPE html><html><head><title>${title}</title></head><body><h2>${title}</h2></body></html>`;
/** IIS's page for a file the OAB folder does not have. */
export const IIS_404_PAGE = iisPage('404 - File or directory not found.');
/** IIS's page for a verb the static-file handler does not take. */
export const IIS_405_PAGE = iisPage('405 - HTTP verb used to access this page is not allowed.');
