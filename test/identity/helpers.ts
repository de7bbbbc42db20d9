// Helpers for the identity-platform wire tests: token requests, Entra's error-body shape
// (reference §8.1), JWT verification against the JWKS the gateway serves, PKCE, the HTML
// forms of /authorize and /devicelogin, and the sign-in records a request left.
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { Test } from 'tap';
import type { Gateway } from '../../index.js';
import { https, type Response } from '../helpers/https.js';
import { readSignIns } from '../../core/signins/read.js';

// The apps and users of BASE_SEED this folder relies on.
export const MAIL_APP = '00000000-0000-0000-0000-0000000000a1';
export const MAIL_APP_OBJECT_ID = '00000000-0000-0000-0000-0000000000b1';
export const MAIL_APP_SECRET = 'app-secret';
export const PUBLIC_CLIENT = '00000000-0000-0000-0000-0000000000a2';
export const GRAPH_APP = '00000000-0000-0000-0000-0000000000a3';
export const GRAPH_APP_SECRET = 'graph-secret';
export const REDIRECT_URI = 'http://localhost:8400/callback';
export const ALICE = { upn: 'alice@contoso.com', password: 'Alice-Passw0rd!' };
export const ERIN = { upn: 'erin@contoso.com', password: 'Erin-Passw0rd!' };
export const CAROL = { upn: 'carol@contoso.com', password: 'Carol-Passw0rd!', appPassword: 'carolapppassword' };
export const ANA = { upn: 'ana@northwind.com', password: 'Northwind-Passw0rd!' };

export const EXCHANGE_RESOURCE = '00000002-0000-0ff1-ce00-000000000000';
export const GLOBAL_ADMIN_WID = '62e90394-69f5-4237-9190-012177145e10';
export const IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
export const SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';

/**
 * BASE_SEED's northwind tenant (security defaults on) has no app of its own, and apps are
 * single-tenant; this fragment gives it a public client so ROPC can reach the MFA check.
 */
export const NORTHWIND_CLIENT = '00000000-0000-0000-0000-0000000000c1';
export const NORTHWIND_FRAGMENT = `
tenants:
  - name: northwind
    apps:
      - clientId: ${NORTHWIND_CLIENT}
        displayName: Northwind Public Client
        delegated: [IMAP.AccessAsUser.All, SMTP.Send]
`;

export function tenantId(gw: Gateway, name: string): string {
  const tenant = gw.core.directory.tenant(name);
  if (!tenant) throw new Error(`no tenant ${name}`);
  return tenant.id;
}

export function userId(gw: Gateway, upn: string): string {
  const user = gw.core.directory.userByUpn(upn);
  if (!user) throw new Error(`no user ${upn}`);
  return user.id;
}

export function postToken(gw: Gateway, tenant: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return https(gw, 'POST', `/${tenant}/oauth2/v2.0/token`, { form, headers });
}

export const ropcForm = (username: string, password: string, scope = IMAP_SCOPE, clientId = PUBLIC_CLIENT): Record<string, string> => ({
  grant_type: 'password',
  client_id: clientId,
  username,
  password,
  scope,
});

export interface TokenBody {
  token_type: string;
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

export interface ErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/;

/**
 * Entra's JSON error body (§8.1), field by field: the description is
 * "AADSTSnnnn: <text>\r\nTrace ID: ..\r\nCorrelation ID: ..\r\nTimestamp: ..", and its trace,
 * correlation and timestamp lines repeat the body's own fields.
 */
export function assertAadsts(
  t: Test,
  res: Response,
  expected: { status: number; error: string; code: number; text?: string | RegExp },
): ErrorBody {
  t.equal(res.status, expected.status, `HTTP ${expected.status} for AADSTS${expected.code}`);
  t.match(String(res.headers['content-type']), /^application\/json/, 'error body is JSON');
  const body = res.json<ErrorBody>();
  t.same(Object.keys(body).sort(), ['correlation_id', 'error', 'error_codes', 'error_description', 'error_uri', 'timestamp', 'trace_id'], 'exactly the fields of Entra\'s error body');
  t.equal(body.error, expected.error, 'OAuth error');
  t.same(body.error_codes, [expected.code], 'error_codes');
  t.equal(body.error_uri, `https://login.microsoftonline.com/error?code=${expected.code}`, 'error_uri');
  t.match(body.trace_id, GUID, 'trace_id is a GUID');
  t.match(body.correlation_id, GUID, 'correlation_id is a GUID');
  t.match(body.timestamp, STAMP, 'timestamp is "yyyy-mm-dd hh:mm:ssZ"');
  const lines = body.error_description.split('\r\n');
  t.equal(lines.length, 4, 'description has text, trace, correlation and timestamp lines');
  t.ok(lines[0].startsWith(`AADSTS${expected.code}: `), `description starts with "AADSTS${expected.code}: " (${lines[0]})`);
  t.ok(lines[0].length > `AADSTS${expected.code}: `.length, 'description has a text after the code');
  if (typeof expected.text === 'string') t.equal(lines[0], `AADSTS${expected.code}: ${expected.text}`, 'description text');
  else if (expected.text) t.match(lines[0], expected.text, 'description text');
  t.ok(body.error_description.includes(`\r\nTrace ID: ${body.trace_id}\r\n`), 'Trace ID line repeats trace_id');
  t.equal(lines[1], `Trace ID: ${body.trace_id}`);
  t.equal(lines[2], `Correlation ID: ${body.correlation_id}`);
  t.equal(lines[3], `Timestamp: ${body.timestamp}`);
  return body;
}

export async function assertToken(t: Test, res: Response): Promise<TokenBody> {
  t.equal(res.status, 200, `token issued${res.status === 200 ? '' : `: ${res.text}`}`);
  t.equal(res.headers['cache-control'], 'no-store, no-cache', 'tokens are not cached');
  const body = res.json<TokenBody>();
  t.equal(body.token_type, 'Bearer');
  t.type(body.access_token, 'string');
  t.equal(body.access_token.split('.').length, 3, 'access token is a JWS');
  t.type(body.expires_in, 'number');
  t.ok(body.expires_in > 0, 'expires_in is positive');
  t.type(body.ext_expires_in, 'number');
  return body;
}

/** The gateway's JWKS, found the way a client finds it: discovery document, then jwks_uri. */
export async function fetchJwks(gw: Gateway, tenant: string): Promise<JSONWebKeySet> {
  const config = (await https(gw, 'GET', `/${tenant}/v2.0/.well-known/openid-configuration`)).json<{ jwks_uri: string }>();
  const url = new URL(config.jwks_uri);
  const res = await https(gw, 'GET', url.pathname);
  if (res.status !== 200) throw new Error(`JWKS fetch failed: ${res.status}`);
  return res.json<JSONWebKeySet>();
}

/** Verifies a token's signature against the served JWKS (not the gateway's internals). */
export async function verifyJwt(gw: Gateway, tenant: string, jwt: string): Promise<{ payload: JWTPayload & Record<string, unknown>; header: ReturnType<typeof decodeProtectedHeader> }> {
  const keys = createLocalJWKSet(await fetchJwks(gw, tenant));
  // The emulated clock may stand anywhere; check the lifetime against it, not the wall clock.
  const { payload } = await jwtVerify(jwt, keys, { algorithms: ['RS256'], currentDate: gw.clock.now() });
  return { payload: payload as JWTPayload & Record<string, unknown>, header: decodeProtectedHeader(jwt) };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e]);

/** The first form of an HTML page: its action and every named input's value, as a browser would submit it. */
export function parseForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in page: ${html.slice(0, 200)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[1]);
    if (!name) continue;
    const value = /\bvalue="([^"]*)"/.exec(input[1]);
    fields[unescape(name[1])] = value ? unescape(value[1]) : '';
  }
  return { action: unescape(form[1]), fields };
}

/** The text of the page's error paragraph, if any. */
export function pageError(html: string): string | null {
  const m = /<p class="error"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return m ? unescape(m[1]) : null;
}

export interface SignInRecordRow {
  upn: string | null;
  app_id: string | null;
  client_app_used: string;
  error_code: number;
  record: {
    userPrincipalName: string | null;
    appId: string;
    clientAppUsed: string;
    isInteractive: boolean;
    correlationId: string;
    resourceId: string;
    status: { errorCode: number; failureReason: string | null };
    [key: string]: unknown;
  };
}

/** Every sign-in record written so far (flushes the writer's batch first), as Graph reads it back. */
export async function signIns(gw: Gateway): Promise<SignInRecordRow[]> {
  await gw.flush();
  const records = await readSignIns(gw.core.store, { limit: 100_000 });
  return records.map((record) => ({
    upn: record.userPrincipalName,
    app_id: record.appId,
    client_app_used: record.clientAppUsed,
    error_code: record.status.errorCode,
    record: record as unknown as SignInRecordRow['record'],
  }));
}

/** The records of one request, found by the client-request-id it sent (Entra's correlation id). */
export async function signInsFor(gw: Gateway, correlationId: string): Promise<SignInRecordRow[]> {
  return (await signIns(gw)).filter((r) => r.record.correlationId === correlationId);
}
