// Every string Autodiscover puts on the wire: the POX schemas and error codes (MS-OXDSCLI
// §2.2.4.1.1.3, MS-ASCMD §2.2.3.64) and the JSON v2 answers (reference §5.5). Choices the
// reference leaves open are marked UNCONFIRMED here and nowhere else.

export const NS = {
  /** The envelope of every POX response, success or error. */
  response: 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
  outlookRequest: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
  outlookResponse: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  mobileRequest: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
  mobileResponse: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export interface PoxError {
  code: number;
  message: string;
}

/**
 * POX errors, always answered with HTTP 200 as Exchange does. 500 and 600 are the texts
 * Exchange shows; 601's text is UNCONFIRMED (MS-OXDSCLI describes the code only).
 */
export const POX_ERRORS = {
  /** The address is not a mailbox of the signed-in tenant. */
  notFound: { code: 500, message: "The email address can't be found." },
  /** Malformed XML, a DTD, a missing element, an empty or oversized body, a GET. */
  invalidRequest: { code: 600, message: 'Invalid Request' },
  /** An AcceptableResponseSchema no provider serves. */
  noProvider: { code: 601, message: 'Provider is not available' },
} as const satisfies Record<string, PoxError>;

export const POX_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** The Culture element of a mobilesync response (MS-ASCMD §2.2.3.41). */
export const MOBILE_CULTURE = 'en:us';

/**
 * The Outlook provider's ServerVersion: Exchange 15.20 in Autodiscover's hex encoding (as Exchange
 * Online's own answers carry; the exact build is UNCONFIRMED and does not matter to clients).
 */
export const SERVER_VERSION = '73C18880';


// --- JSON v2 (reference §5.5) ---

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The protocols Exchange Online accepts (reference §5.5, 2022 list), with the path exogate
 * points a client at on its own host. The first four are served by exogate; for the others the
 * URL names exogate's host too (a client stays on the emulator), at Exchange Online's path where
 * known (`Rest` is `https://outlook.office.com/api`) and the root otherwise: exogate does not
 * serve them, so those paths answer 404.
 */
export const V2_PROTOCOLS: ReadonlyMap<string, string> = new Map(
  (
    [
      ['AutodiscoverV1', '/autodiscover/autodiscover.xml'],
      ['ActiveSync', '/Microsoft-Server-ActiveSync'],
      ['Ews', '/EWS/Exchange.asmx'],
      ['Rest', '/api'],
      ['Substrate', '/'],
      ['SubstrateSearchService', '/search'],
      ['SubstrateNotificationService', '/'],
      ['OutlookMeetingScheduler', '/'],
      ['OutlookPay', '/'],
      ['Actions', '/'],
      ['Connectors', '/'],
      ['ConnectorsProcessors', '/'],
      ['ConnectorsWebhook', '/'],
      ['NotesClient', '/'],
      ['OwaPoweredExperience', '/'],
      ['ToDo', '/'],
      ['Weve', '/'],
      ['OutlookLocationsService', '/'],
      ['OutlookCloudSettingsService', '/'],
      ['OutlookTailoredExperiences', '/'],
      ['OwaPoweredExperienceV2', '/'],
      ['Speedway', '/'],
      ['SpeechAndLanguagePersonalization', '/'],
      ['SubstrateSignalService', '/'],
      ['CompliancePolicyService', '/'],
    ] as const
  ).map(([name, path]) => [name.toLowerCase(), path]),
);

/** The list an InvalidProtocol error names, in the reference's order. */
export const V2_PROTOCOL_LIST =
  'Rest,ActiveSync,Ews,Substrate,SubstrateSearchService,AutodiscoverV1,SubstrateNotificationService,OutlookMeetingScheduler,OutlookPay,Actions,Connectors,ConnectorsProcessors,ConnectorsWebhook,NotesClient,OwaPoweredExperience,ToDo,Weve,OutlookLocationsService,OutlookCloudSettingsService,OutlookTailoredExperiences,OwaPoweredExperienceV2,Speedway,SpeechAndLanguagePersonalization,SubstrateSignalService,CompliancePolicyService';

/**
 * Redirects the alternative form follows before it gives up. UNCONFIRMED: the reference says a
 * too-high RedirectCount is an error but not where the line is; 10 is exogate's choice.
 */
export const MAX_REDIRECT_COUNT = 10;

export interface V2Error {
  status: number;
  ErrorCode: string;
  ErrorMessage: string;
}

/**
 * v2 errors. InvalidProtocol's shape and text are Exchange's (HTTP 400, seen on Exchange 2019:
 * `The given protocol value '...' is invalid. Supported values are '...'`); Exchange Online's own
 * status and body are UNCONFIRMED (reference §5.5), so exogate gives the same. The other two
 * are UNCONFIRMED choices in the same shape.
 */
export const V2_ERRORS = {
  invalidProtocol: (given: string): V2Error => ({
    status: 400,
    ErrorCode: 'InvalidProtocol',
    ErrorMessage: `The given protocol value '${given}' is invalid. Supported values are '${V2_PROTOCOL_LIST}'`,
  }),
  redirectCountExceeded: (count: number): V2Error => ({
    status: 400,
    ErrorCode: 'RedirectCountExceeded',
    ErrorMessage: `The redirect count '${count}' exceeds the maximum of '${MAX_REDIRECT_COUNT}'.`,
  }),
  invalidEmail: (given: string): V2Error => ({
    status: 400,
    ErrorCode: 'InvalidEmailAddress',
    ErrorMessage: `The given email address '${given}' is invalid.`,
  }),
};

/**
 * JSON as .NET's serializer writes it: `'`, `<`, `>` and `&` escaped as \uXXXX (the 2019 capture
 * shows `\u0027`), which also keeps client input inert in any HTML context.
 */
export function dotnetJson(value: unknown): string {
  return JSON.stringify(value).replace(/['<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', "'": '&#39;' };

/** ASP.NET's Response.Redirect body (the "Object moved" page of reference §5.5). */
export function objectMovedPage(location: string): string {
  // HttpUtility.HtmlAttributeEncode's escapes.
  const href = location.replace(/[&<"']/g, (c) => ATTRIBUTE_ESCAPES[c]);
  return `<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to <a href="${href}">here</a>.</h2>\r\n</body></html>\r\n`;
}
