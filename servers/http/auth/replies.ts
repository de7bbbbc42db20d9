// Every answer the HTTPS protocols give a sign-in that did not succeed: status, WWW-Authenticate
// challenge, x-ms-diagnostics and body, keyed by the auth core's outcome (reference §5.1-§5.3,
// §10.4, §10.5). Protocol folders render their own success bodies; this table is the only place
// these strings live.
import type { Outcome, TokenProblem } from '../../../core/auth/attempt.js';
import { EXCHANGE_APP_ID } from '../../../core/identity/resources.js';
import type { ProtocolId } from '../../../core/protocols.js';

/** The Entra token service's app id, trusted as the issuer of Exchange tokens (§5.3). */
export const ENTRA_TOKEN_SERVICE_ID = '00000001-0000-0000-c000-000000000000';
export const AUTHORIZATION_URI = 'https://login.microsoftonline.com/common/oauth2/authorize';

const BEARER = `Bearer client_id="${EXCHANGE_APP_ID}", trusted_issuers="${ENTRA_TOKEN_SERVICE_ID}@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="${AUTHORIZATION_URI}"`;

export const CHALLENGES = {
  /** No credentials at all: the later captures' shape, without `error=` (§5.3). */
  none: `${BEARER},Basic Realm=""`,
  /** A token was refused: the 2017 EWS capture, with today's authorization_uri (§5.3). */
  badToken: `${BEARER}, error="invalid_token",Basic Realm="",Basic Realm="",Basic Realm=""`,
  /** Basic refused at Exchange's pre-authentication gate: the documented MAPI sample (§5.1). */
  basicBlocked: 'Basic Realm="",Basic Realm=""',
  /** Basic allowed but the credentials failed at the identity platform: the EAS capture (§5.2). */
  badCredentials: 'Basic Realm="",Negotiate',
} as const;

/** x-ms-diagnostics for each token problem (§5.3). */
export const TOKEN_DIAGNOSTICS: Readonly<Record<TokenProblem, string>> = {
  unparseable: '2000001;reason="OAuth token submitted with the request cannot be parsed.";error_category="invalid_token"',
  'bad-signature': '2000001;reason="OAuth token submitted with the request cannot be parsed.";error_category="invalid_token"',
  'wrong-issuer': '2000001;reason="OAuth token submitted with the request cannot be parsed.";error_category="invalid_token"',
  'not-yet-valid': '2000001;reason="OAuth token submitted with the request cannot be parsed.";error_category="invalid_token"',
  // UNCONFIRMED: the reference has no capture of an expired token. Exchange's token handler files
  // expiry under the same category as an unreadable token; the reason text names the expiry.
  expired: '2000001;reason="The token has expired.";error_category="invalid_token"',
  'wrong-audience': `2000003;reason="The audience claim value is invalid 'aud'.";error_category="invalid_resource"`,
  'unknown-tenant': `2000004;reason="The tenant for tenant guid '{tenant}' does not exist.";error_category="invalid_tenant"`,
  'no-permission': '2000008;reason="The token contains no permissions, or permissions can not be understood.";error_category="invalid_grant"',
};

/** IIS's 401.1 page, the text/html body of a Basic sign-in the identity platform refused (§5.2). */
export const IIS_401_PAGE = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>401 - Unauthorized: Access is denied due to invalid credentials.</title>
<style type="text/css">
<!--
body{margin:0;font-size:.7em;font-family:Verdana, Arial, Helvetica, sans-serif;background:#EEEEEE;}
fieldset{padding:0 15px 10px 15px;}
h1{font-size:2.4em;margin:0;color:#FFF;}
h2{font-size:1.7em;margin:0;color:#CC0000;}
h3{font-size:1.2em;margin:10px 0 0 0;color:#000000;}
#header{width:96%;margin:0 0 0 0;padding:6px 2% 6px 2%;font-family:"trebuchet MS", Verdana, sans-serif;color:#FFF;
background-color:#555555;}
#content{margin:0 0 0 2%;position:relative;}
.content-container{background:#FFF;width:96%;margin-top:8px;padding:10px;position:relative;}
-->
</style>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>
  <h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>
 </fieldset></div>
</div>
</body>
</html>
`;

/** IIS's 403 page: a signed-in mailbox the protocol is switched off for (Set-CASMailbox, §6.4). */
export const IIS_403_PAGE = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>403 - Forbidden: Access is denied.</title>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>403 - Forbidden: Access is denied.</h2>
  <h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>
 </fieldset></div>
</div>
</body>
</html>
`;

export interface HttpRefusal {
  status: number;
  challenge: string | null;
  diagnostics: string | null;
  /** text/html body, or null for an empty body (Content-Length: 0). */
  body: string | null;
}

export type Situation = Exclude<Outcome, 'ok'> | 'no-credentials';

const blocked: HttpRefusal = { status: 401, challenge: CHALLENGES.basicBlocked, diagnostics: null, body: null };
const badCredentials: HttpRefusal = { status: 401, challenge: CHALLENGES.badCredentials, diagnostics: null, body: IIS_401_PAGE };
const badToken = (problem: TokenProblem, tenantId = ''): HttpRefusal => ({
  status: 401,
  challenge: CHALLENGES.badToken,
  diagnostics: TOKEN_DIAGNOSTICS[problem].replace('{tenant}', tenantId),
  body: null,
});

/**
 * The refusal for each situation. Every Basic failure is a bare 401 "to avoid leaking
 * information" (§5.1); the only difference a client can see is the challenge and whether the
 * identity platform was reached (a text/html body, §5.2).
 */
export const HTTP_REFUSALS: Readonly<Record<Situation, HttpRefusal>> = {
  'no-credentials': { status: 401, challenge: CHALLENGES.none, diagnostics: null, body: null },
  // Exchange's pre-authentication gate (§5.1): the identity platform never hears of these.
  'unknown-tenant': blocked,
  'basic-blocked-by-microsoft': blocked,
  'basic-blocked-by-policy': blocked,
  'security-defaults': blocked,
  // SMTP-only outcomes; listed so the table is total.
  'smtp-basic-retired': blocked,
  'smtp-auth-disabled-tenant': blocked,
  'smtp-auth-disabled-mailbox': blocked,
  // The identity platform refused the credentials (§5.2).
  'unknown-user': badCredentials,
  'account-disabled': badCredentials,
  'bad-credentials': badCredentials,
  'locked-out': badCredentials,
  'conditional-access': badCredentials,
  'mfa-required': badCredentials,
  // Tokens (§5.3).
  'token-invalid': badToken('unparseable'),
  'token-expired': badToken('expired'),
  'wrong-audience': badToken('wrong-audience'),
  'missing-scope': badToken('no-permission'),
  // UNCONFIRMED: the reference has no capture of an HTTP protocol switched off for a mailbox or of
  // a token without rights on the mailbox it names. Exchange's HTTP front end answers both with a
  // 403 after a successful sign-in, which is what this table does; EWS renders its own SOAP fault
  // for impersonation (servers/http/ews).
  'protocol-disabled-for-mailbox': { status: 403, challenge: null, diagnostics: null, body: IIS_403_PAGE },
  'no-mailbox-permission': { status: 403, challenge: null, diagnostics: null, body: IIS_403_PAGE },
};

/**
 * The refusal for an outcome. A token refused for a reason the auth core named gets that
 * reason's diagnostic (an unknown tenant in a token is a token problem, not Basic's gate).
 */
export function refusalFor(situation: Situation, tokenProblem?: TokenProblem, tenantId?: string): HttpRefusal {
  const base = HTTP_REFUSALS[situation];
  if (!tokenProblem || base.status !== 401) return base;
  return badToken(tokenProblem, tenantId);
}

/** Protocols whose 401 carries MAPI's routing cookie (§5.1's sample). */
export const ROUTING_COOKIE: Partial<Record<ProtocolId, string>> = { mapi: '/mapi/' };
