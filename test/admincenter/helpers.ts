// What the admin center tests share: a seed with each kind of caller, and the sign-in walked
// over plain HTTPS as a browser would (GET /admin → authorize form → callback → session cookie).
import type { Gateway } from '../../index.js';
import { https, type Response } from '../helpers/https.js';

export const PASSWORD = 'Admin-Center-Passw0rd!';
export const HOSTILE_NAME = '<script>alert("pwned")</script>&\'';

const user = (upn: string, roles: string[], extra = '') =>
  `      - upn: ${upn}\n        password: "${PASSWORD}"\n        roles: [${roles.join(', ')}]${extra}`;

/** contoso: IMAP switched off by Microsoft; fabrikam: another tenant; gccorg: a GCC tenant. */
export const SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: proactive-disablement
    basicAuthBlockedApps: [imap]
    users:
${user('admin@contoso.com', ['GlobalAdministrator'], `\n        displayName: '${HOSTILE_NAME.replace(/'/g, "''")}'`)}
${user('worker@contoso.com', [])}
${user('partner@contoso.com', ['DelegatedAdmin'])}
${user('mail@contoso.com', [])}
  - name: fabrikam
    domains: [fabrikam.com]
    phase: proactive-disablement
    basicAuthBlockedApps: [pop]
    users:
${user('admin@fabrikam.com', ['GlobalAdministrator'])}
  - name: gccorg
    domains: [gccorg.com]
    cloud: gcc
    phase: proactive-disablement
    basicAuthBlockedApps: [pop]
    users:
${user('admin@gccorg.com', ['GlobalAdministrator'])}
`;

export function header(res: Response, name: string): string[] {
  const value = res.headers[name.toLowerCase()];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** `name=value` of a Set-Cookie header of the response, by cookie name. */
export function cookieOf(res: Response, name: string): string | undefined {
  const line = header(res, 'set-cookie').find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0];
}

export interface SignInSteps {
  start: Response;
  authorize: URL;
  pendingCookie: string;
  callback: URL;
}

/** GET /admin, then the identity platform's form as the user submits it; stops before the callback. */
export async function startAndAuthorize(gw: Gateway, upn: string, password = PASSWORD, path = '/admin'): Promise<SignInSteps> {
  const start = await https(gw, 'GET', path);
  const location = String(start.headers.location ?? '');
  const authorize = new URL(location, 'https://exogate.invalid');
  const pendingCookie = cookieOf(start, 'exogate_admin_signin') ?? '';
  const form: Record<string, string> = { username: upn, password };
  for (const [k, v] of authorize.searchParams) form[k] = v;
  const posted = await https(gw, 'POST', authorize.pathname, { form });
  if (posted.status !== 302) throw new Error(`authorize did not redirect: ${posted.status} ${posted.text.slice(0, 300)}`);
  return { start, authorize, pendingCookie, callback: new URL(String(posted.headers.location)) };
}

/** The whole sign-in: returns the session cookie (`exogate_admin=...`). */
export async function signIn(gw: Gateway, upn: string): Promise<string> {
  const steps = await startAndAuthorize(gw, upn);
  const back = await https(gw, 'GET', steps.callback.pathname + steps.callback.search, { headers: { cookie: steps.pendingCookie } });
  const cookie = cookieOf(back, 'exogate_admin');
  if (back.status !== 302 || !cookie) throw new Error(`callback failed: ${back.status} ${back.text.slice(0, 300)}`);
  return cookie;
}

export const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({ headers: { cookie, ...extra } });

export function csrfOf(page: Response): string {
  return /<meta name="exogate-csrf" content="([^"]+)">/.exec(page.text)?.[1] ?? '';
}
