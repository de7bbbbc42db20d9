// What the programme tests share: a tenant seed with its own admin-center app (apps are
// single-tenant), Graph tokens for its users, and calls to the programme API, Graph and the
// control API.
import type { Gateway } from '../../index.js';
import { https, token, type Response } from '../helpers/https.js';

export const GRAPH_SCOPES = ['ServiceMessage.Read.All', 'ServiceHealth.Read.All', 'Directory.Read.All', 'AuditLog.Read.All'];
export const PASSWORD = 'Programme-Passw0rd!';

let appCounter = 0;
/** A client id per tenant seed (apps belong to one tenant). */
export const appIdFor = (n: number) => `00000000-0000-0000-0005-${String(n).padStart(12, '0')}`;

export interface TenantSpec {
  name: string;
  extra?: string;
  /** Users besides admin@: `name: roles`. */
  users?: Record<string, string[]>;
  appRoles?: string[];
}

/** A seed tenant with admin@<name>.com (Global Administrator), the given users, and a Graph app. */
export function tenantYaml(spec: TenantSpec): { yaml: string; appId: string } {
  const appId = appIdFor(++appCounter);
  const users = { admin: ['GlobalAdministrator'], ...spec.users };
  const lines = [
    `  - name: ${spec.name}`,
    `    domains: [${spec.name}.com]`,
    ...(spec.extra ? spec.extra.split('\n').map((l) => `    ${l}`) : []),
    '    users:',
    ...Object.entries(users).flatMap(([u, roles]) => [`      - upn: ${u}@${spec.name}.com`, `        password: "${PASSWORD}"`, `        roles: [${roles.join(', ')}]`]),
    '    apps:',
    `      - clientId: ${appId}`,
    `        displayName: ${spec.name} admin center`,
    '        secret: "programme-secret"',
    `        delegated: [${GRAPH_SCOPES.join(', ')}]`,
    `        application: [${(spec.appRoles ?? []).join(', ')}]`,
  ];
  return { yaml: lines.join('\n'), appId };
}

/** A delegated Graph token (ROPC) for a user of the tenant; fetched afresh, since tests move the clock past token lifetimes. */
export function graphToken(gw: Gateway, upn: string, appId: string, scopes = GRAPH_SCOPES): Promise<string> {
  const tenant = upn.split('@')[1];
  return token(gw, tenant, {
    grant_type: 'password',
    client_id: appId,
    client_secret: 'programme-secret',
    username: upn,
    password: PASSWORD,
    scope: scopes.map((s) => `https://graph.microsoft.com/${s}`).join(' '),
  });
}

export function appGraphToken(gw: Gateway, tenant: string, appId: string): Promise<string> {
  return token(gw, tenant, { grant_type: 'client_credentials', client_id: appId, client_secret: 'programme-secret', scope: 'https://graph.microsoft.com/.default' });
}

export const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

export function runTests(gw: Gateway, accessToken: string): Promise<Response> {
  return https(gw, 'GET', '/admin/api/diagnostic', { headers: bearer(accessToken) });
}

export function updateSettings(gw: Gateway, accessToken: string, body: Record<string, unknown>): Promise<Response> {
  return https(gw, 'POST', '/admin/api/diagnostic', { headers: bearer(accessToken), json: body });
}

export async function moveClock(gw: Gateway, body: { set?: string; advance?: string | number }): Promise<string> {
  const res = await https(gw, 'POST', '/_exogate/clock', { json: body, control: true });
  if (res.status !== 200) throw new Error(`clock move failed: ${res.status} ${res.text}`);
  return res.json<{ now: string }>().now;
}

export async function controlSeed(gw: Gateway, yaml: string): Promise<void> {
  const res = await https(gw, 'POST', '/_exogate/seed', { body: yaml, headers: { 'content-type': 'text/yaml' }, control: true });
  if (res.status !== 200) throw new Error(`seed failed: ${res.status} ${res.text}`);
}

export async function cmdlet(gw: Gateway, tenant: string, line: string): Promise<Response> {
  return https(gw, 'POST', '/_exogate/cmdlet', { json: { tenant, line }, control: true });
}

export interface GraphList<T = Record<string, unknown>> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}

export interface MessageJson {
  id: string;
  title: string;
  category: string;
  severity: string;
  services: string[];
  startDateTime: string;
  actionRequiredByDateTime: string | null;
  details: { name: string; value: string }[];
  body: { contentType: string; content: string };
  viewPoint: unknown;
  [key: string]: unknown;
}

export async function messages(gw: Gateway, accessToken: string, query = ''): Promise<GraphList<MessageJson>> {
  const res = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/messages${query}`, { headers: bearer(accessToken) });
  if (res.status !== 200) throw new Error(`messages: ${res.status} ${res.text}`);
  return res.json<GraphList<MessageJson>>();
}

export async function issues(gw: Gateway, accessToken: string, query = ''): Promise<GraphList> {
  const res = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/issues${query}`, { headers: bearer(accessToken) });
  if (res.status !== 200) throw new Error(`issues: ${res.status} ${res.text}`);
  return res.json<GraphList>();
}

/** The Protocols detail the programme puts on its posts. */
export const protocolsOf = (m: MessageJson) => (m.details.find((d) => d.name === 'Protocols')?.value ?? '').split(',').filter(Boolean);
