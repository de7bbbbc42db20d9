// HTTPS calls to a gateway, trusting its CA (Node's fetch cannot take a CA on Node 20).
import { request } from 'node:https';
import type { Gateway } from '../../index.js';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export function https(
  gw: Gateway,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; form?: Record<string, string>; json?: unknown; control?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  if (options.control) headers.authorization = `Bearer ${gw.controlToken}`;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: gw.host, port: gw.ports.https, method, path, headers, ca: gw.caCert, servername: 'localhost', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A token from the gateway's token endpoint; throws with Entra's error text on failure. */
export async function token(gw: Gateway, tenant: string, form: Record<string, string>): Promise<string> {
  const res = await https(gw, 'POST', `/${tenant}/oauth2/v2.0/token`, { form });
  const body = res.json<{ access_token?: string; error_description?: string }>();
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed (${res.status}): ${body.error_description}`);
  return body.access_token;
}

/** A delegated token by the password flow (ROPC); `clientSecret` for a confidential client. */
export function ropcToken(gw: Gateway, tenant: string, clientId: string, who: { upn: string; password: string }, scope: string, clientSecret?: string): Promise<string> {
  const form: Record<string, string> = { grant_type: 'password', client_id: clientId, username: who.upn, password: who.password, scope };
  if (clientSecret !== undefined) form.client_secret = clientSecret;
  return token(gw, tenant, form);
}

/** An app-only token by the client credentials flow. */
export const clientCredentialsToken = (gw: Gateway, tenant: string, app: { clientId: string; secret: string }, scope = 'https://outlook.office365.com/.default') =>
  token(gw, tenant, { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.secret, scope });

export const appToken = (gw: Gateway, scope = 'https://outlook.office365.com/.default') =>
  clientCredentialsToken(gw, 'contoso.com', { clientId: '00000000-0000-0000-0000-0000000000a1', secret: 'app-secret' }, scope);

export const userToken = (gw: Gateway, username: string, password: string, scope = 'https://outlook.office.com/SMTP.Send https://outlook.office.com/IMAP.AccessAsUser.All') =>
  ropcToken(gw, 'common', '00000000-0000-0000-0000-0000000000a2', { upn: username, password }, scope);

/** An HTTP Basic Authorization header. */
export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export const xoauth2 = (user: string, accessToken: string) => Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64');
