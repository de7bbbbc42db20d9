// Everything ActiveSync says on the wire besides the sign-in refusals (those are the HTTP reply
// table's, servers/http/auth/replies.ts): the OPTIONS headers, the HTTP errors of MS-ASHTTP, and
// the status codes of MS-ASCMD and MS-ASPROV. Reference §5.4.
//
// UNCONFIRMED choices (no Exchange Online capture; the most plausible behaviour, kept here):
// | what                                   | choice                                                        |
// |----------------------------------------|---------------------------------------------------------------|
// | MS-ASProtocolVersions before 2026-03-01 | 2.0,...,16.1 (reference §5.4, itself UNCONFIRMED)             |
// | MS-ASProtocolCommands                   | Exchange 2016's list, Find included (16.1)                    |
// | MS-Server-ActiveSync                    | major.minor of the build the other headers name               |
// | version not offered                     | HTTP 400, empty body                                          |
// | missing DeviceId / DeviceType           | HTTP 400, body naming DeviceIdMissingOrInvalid (on-prem's name) |
// | body that is not WBXML                  | HTTP 400, empty body (as for any request EAS cannot parse)    |
// | Content-Type other than WBXML/rfc822    | HTTP 400, empty body (MS-ASHTTP lists no 415)                 |
// | body over httpMaxBodyBytes              | HTTP 413, empty body                                          |
// | Cmd unknown or not implemented          | HTTP 501, empty body (MS-ASHTTP "command not implemented")    |
// | methods other than OPTIONS/POST         | the DeviceId check, then 501                                  |
// | no/invalid policy key, protocol < 14.0  | HTTP 449 (MS-ASPROV)                                          |
// | no/invalid policy key, protocol >= 14.0 | HTTP 200, command's Status 142 / 144 in WBXML                  |
// | send-as refused in SendMail             | ComposeMail Status 130 (AccessDenied)                         |
import { eraAt } from '../../../core/eras.js';
import { EXCHANGE_BUILD } from '../auth/headers.js';

/** Every version Exchange Online offered until the 16.1 gate (reference §5.4). */
export const ALL_VERSIONS = ['2.0', '2.1', '2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1'] as const;

/** From March 2026 Exchange Online offers and accepts 16.1 alone (core/eras.ts `easVersions`). */
export function offeredVersions(now: number): readonly string[] {
  return eraAt('easVersions', now) === '16.1-only' ? ['16.1'] : ALL_VERSIONS;
}

/** MS-ASProtocolCommands as Exchange 2016 and later list it (reference §5.4: EXO's list UNCONFIRMED). */
export const PROTOCOL_COMMANDS = [
  'Sync', 'SendMail', 'SmartForward', 'SmartReply', 'GetAttachment', 'GetHierarchy', 'CreateCollection',
  'DeleteCollection', 'MoveCollection', 'FolderSync', 'FolderCreate', 'FolderDelete', 'FolderUpdate',
  'MoveItems', 'GetItemEstimate', 'MeetingResponse', 'Search', 'Settings', 'Ping', 'ItemOperations',
  'Provision', 'ResolveRecipients', 'ValidateCert', 'Find',
] as const;

export const SERVER_VERSION = EXCHANGE_BUILD.split('.').slice(0, 2).join('.');

export const WBXML_TYPE = 'application/vnd.ms-sync.wbxml';

/** Headers every signed-in ActiveSync answer carries. */
export const EAS_HEADERS = { 'MS-Server-ActiveSync': SERVER_VERSION } as const;

/** OPTIONS: what the server speaks (MS-ASHTTP §2.2.4). */
export function optionsHeaders(now: number): Record<string, string> {
  return {
    Allow: 'OPTIONS,POST',
    'MS-Server-ActiveSync': SERVER_VERSION,
    'MS-ASProtocolVersions': offeredVersions(now).join(','),
    'MS-ASProtocolCommands': PROTOCOL_COMMANDS.join(','),
    Public: 'OPTIONS,POST',
  };
}

export interface EasHttpError {
  status: number;
  /** text/html body, or null for an empty one. */
  body: string | null;
}

const exceptionPage = (name: string) =>
  `<!DOCTYPE html><html><head><title>Bad Request</title></head><body><h2>Bad Request</h2><p>Microsoft.Exchange.AirSync.AirSyncPermanentException: ${name}</p></body></html>`;

export const HTTP_ERRORS = {
  deviceIdMissing: { status: 400, body: exceptionPage('DeviceIdMissingOrInvalid') },
  deviceTypeMissing: { status: 400, body: exceptionPage('DeviceTypeMissingOrInvalid') },
  commandMissing: { status: 400, body: null },
  versionNotOffered: { status: 400, body: null },
  malformedBody: { status: 400, body: null },
  wrongContentType: { status: 400, body: null },
  tooLarge: { status: 413, body: null },
  notImplemented: { status: 501, body: null },
  /** MS-ASPROV: "Retry after sending a PROVISION command", protocol 12.x and older. */
  provisionFirst: { status: 449, body: null },
  serverError: { status: 500, body: null },
} as const satisfies Record<string, EasHttpError>;

/** Status codes every command may answer with (MS-ASCMD §2.2.2, "Common Status Codes"). */
export const COMMON_STATUS = {
  invalidContent: 101,
  invalidWbxml: 102,
  invalidMime: 107,
  serverError: 110,
  messageHasNoRecipient: 119,
  mailSubmissionFailed: 120,
  accessDenied: 130,
  commandNotSupported: 137,
  deviceNotProvisioned: 142,
  policyRefresh: 143,
  invalidPolicyKey: 144,
  itemNotFound: 150,
} as const;

/** Provision's own codes (MS-ASPROV §2.2.2.54). */
export const PROVISION_STATUS = { success: 1, protocolError: 2, serverError: 3 } as const;
/** Policy-level codes (MS-ASPROV §2.2.2.54.2). */
export const POLICY_STATUS = { success: 1, noPolicy: 2, unknownPolicyType: 3, corrupt: 4, wrongPolicyKey: 5 } as const;
/** FolderSync (MS-ASCMD §2.2.3.177.5). */
export const FOLDERSYNC_STATUS = { success: 1, serverError: 6, invalidSyncKey: 9, badRequest: 10, unknown: 11 } as const;
/** Sync (MS-ASCMD §2.2.3.177.17). */
export const SYNC_STATUS = {
  success: 1,
  invalidSyncKey: 3,
  protocolError: 4,
  serverError: 5,
  conversionError: 6,
  conflict: 7,
  notFound: 8,
  incomplete: 13,
  hierarchyChanged: 12,
} as const;
/** Ping (MS-ASCMD §2.2.3.177.11). */
export const PING_STATUS = { expired: 1, changes: 2, missingParameters: 3, protocolError: 4, badInterval: 5, tooManyFolders: 6, resync: 7, serverError: 8 } as const;
/** GetItemEstimate (MS-ASCMD §2.2.3.177.7). */
export const ESTIMATE_STATUS = { success: 1, badCollection: 2, notPrimed: 3, invalidSyncKey: 4 } as const;
/** Settings (MS-ASCMD §2.2.3.177.13). */
export const SETTINGS_STATUS = { success: 1, protocolError: 2 } as const;
