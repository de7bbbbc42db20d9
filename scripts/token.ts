// `exogate token`: a token from the emulated identity platform, for curl, scripts and clients.
// Client credentials by default; --username/--password for the password flow; --device for
// the device-code flow.
import { setTimeout as sleep } from 'node:timers/promises';
import { httpsCall, readEndpoints } from './lib/client.js';

export interface TokenOptions {
  data?: string;
  endpoints?: string;
  tenant?: string;
  clientId: string;
  clientSecret?: string;
  scope?: string;
  username?: string;
  password?: string;
  device?: boolean;
  json?: boolean;
}

const APP_SCOPE = 'https://outlook.office365.com/.default';
const USER_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access';

export async function runToken(o: TokenOptions): Promise<void> {
  const endpoints = readEndpoints(o);
  const tenant = o.tenant ?? (o.username?.includes('@') ? o.username.split('@')[1] : undefined) ?? (o.device ? 'common' : undefined);
  // An app signs in to one tenant: the identity platform refuses client credentials at /common.
  if (!tenant) throw new Error('an app token needs --tenant (the tenant name, a domain or its GUID)');
  const post = async (path: string, fields: Record<string, string | undefined>) => {
    const body = new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    const res = await httpsCall(endpoints, 'POST', `/${encodeURIComponent(tenant)}/oauth2/v2.0/${path}`, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
  };
  const common = { client_id: o.clientId, client_secret: o.clientSecret };
  let result: { status: number; json: Record<string, unknown> };
  if (o.device) {
    const started = await post('devicecode', { client_id: o.clientId, scope: o.scope ?? USER_SCOPE });
    if (started.status !== 200) return fail(started.json);
    process.stderr.write(`${String(started.json.message)}\n`);
    const interval = Number(started.json.interval ?? 5) * 1000;
    for (;;) {
      await sleep(interval);
      result = await post('token', { ...common, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: String(started.json.device_code) });
      if (result.json.error !== 'authorization_pending') break;
    }
  } else if (o.username) {
    result = await post('token', { ...common, grant_type: 'password', username: o.username, password: o.password ?? '', scope: o.scope ?? USER_SCOPE });
  } else {
    result = await post('token', { ...common, grant_type: 'client_credentials', scope: o.scope ?? APP_SCOPE });
  }
  if (result.status !== 200) return fail(result.json);
  console.log(o.json ? JSON.stringify(result.json, null, 2) : String(result.json.access_token));
}

function fail(json: Record<string, unknown>): never {
  throw new Error(String(json.error_description ?? json.error ?? 'token request failed').split('\r\n')[0]);
}
