// The identity platform's error catalogue (reference §8.5): every AADSTS code exogate emits,
// its OAuth error, HTTP status and text, once. The token endpoint renders these as Entra's JSON
// error body (§8.1); sign-in records carry the code and text as status.errorCode/failureReason.
import { randomUUID } from 'node:crypto';

export interface AadstsEntry {
  error: string;
  status: number;
  /** `{name}` placeholders are filled from the details passed to aadstsError. */
  text: string;
}

export const AADSTS = {
  50011: {
    error: 'invalid_request',
    status: 400,
    text: "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
  },
  50034: {
    error: 'invalid_grant',
    status: 400,
    text: 'The user account {user} does not exist in the {tenant} directory. To sign into this application, the account must be added to the directory.',
  },
  50053: {
    error: 'invalid_grant',
    status: 400,
    text: "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password.",
  },
  50057: { error: 'invalid_grant', status: 400, text: 'The user account is disabled.' },
  50059: {
    error: 'invalid_request',
    status: 400,
    text: 'No tenant-identifying information found in either the request or implied by any provided credentials.',
  },
  50076: {
    error: 'invalid_grant',
    status: 400,
    text: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'.",
  },
  50126: { error: 'invalid_grant', status: 400, text: 'Error validating credentials due to invalid username or password.' },
  53003: {
    error: 'invalid_grant',
    status: 400,
    text: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  },
  54005: {
    error: 'invalid_grant',
    status: 400,
    text: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  },
  65001: {
    error: 'invalid_grant',
    status: 400,
    text: "The user or administrator has not consented to use the application with ID '{appId}' named '{appName}'. Send an interactive authorization request for this user and resource.",
  },
  // One code for every grant whose code or token is not valid; the text names the parameter
  // (observed: "the 'code' parameter", "the input parameter 'refresh_token' or 'assertion'").
  70000: { error: 'invalid_grant', status: 400, text: 'The provided value for {parameter} is not valid.' },
  70008: {
    error: 'invalid_grant',
    status: 400,
    text: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  },
  70011: { error: 'invalid_scope', status: 400, text: "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid." },
  70016: { error: 'authorization_pending', status: 400, text: 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.' },
  70020: { error: 'expired_token', status: 400, text: "The provided value for the input parameter 'device_code' is not valid. This device code has expired." },
  28000: {
    error: 'invalid_scope',
    status: 400,
    text: 'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.',
  },
  90002: {
    error: 'invalid_request',
    status: 400,
    text: "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  },
  90014: { error: 'invalid_request', status: 400, text: "The required field '{name}' is missing from the credential. Ensure that you have all the necessary parameters for the login request." },
  500011: {
    error: 'invalid_resource',
    status: 400,
    text: 'The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
  },
  501481: { error: 'invalid_grant', status: 400, text: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.' },
  530035: {
    error: 'invalid_grant',
    status: 400,
    text: 'Access has been blocked by security defaults. This is due to the request using legacy auth or being deemed unsafe by security defaults policies.',
  },
  700016: {
    error: 'unauthorized_client',
    status: 400,
    text: "Application with identifier '{appId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  },
  700082: {
    error: 'invalid_grant',
    status: 400,
    text: 'The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for {lifetime}.',
  },
  900561: { error: 'invalid_request', status: 400, text: 'The endpoint only accepts POST, OPTIONS requests. Received a GET request.' },
  900144: { error: 'invalid_request', status: 400, text: "The request body must contain the following parameter: '{name}'." },
  1002012: {
    error: 'invalid_scope',
    status: 400,
    text: 'The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  },
  7000215: {
    error: 'invalid_client',
    status: 401,
    text: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{appId}'.",
  },
  7000218: {
    error: 'invalid_client',
    status: 401,
    text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  // Observed Entra bodies for a malformed or unknown refresh token or code carry invalid_grant
  // (RFC 6749 §5.2), which is what tells MSAL to fall back to an interactive sign-in.
  9002313: { error: 'invalid_grant', status: 400, text: 'Invalid request. Request is malformed or invalid.' },
  // Emulator-only: unsupported grant types get the OAuth 2.0 error with Entra's wording.
  70003: { error: 'unsupported_grant_type', status: 400, text: 'The app requested an unsupported grant type {grantType}.' },
} as const satisfies Record<number, AadstsEntry>;

export type AadstsCode = keyof typeof AADSTS;

/** Whether a code's text has `{name}` placeholders (most do not; sign-in records ask often). */
export function aadstsTextHasPlaceholders(code: AadstsCode): boolean {
  return AADSTS[code].text.includes('{');
}

export function aadstsText(code: AadstsCode, details: Record<string, string> = {}): string {
  const text = AADSTS[code].text;
  return text.includes('{') ? text.replace(/\{(\w+)\}/g, (_, name: string) => details[name] ?? name) : text;
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export interface AadstsErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** Entra's error body (§8.1): description with trace, correlation and timestamp lines. */
export function aadstsError(code: AadstsCode, now: number, details: Record<string, string> = {}, correlationId: string = randomUUID()): { status: number; body: AadstsErrorBody } {
  const entry = AADSTS[code];
  const traceId = randomUUID();
  const timestamp = stamp(now);
  return {
    status: entry.status,
    body: {
      error: entry.error,
      error_description: `AADSTS${code}: ${aadstsText(code, details)}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
