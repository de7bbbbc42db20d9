// What the sign-in log suites share: a seed with a reader of each kind in two tenants, Graph
// tokens from the emulated identity platform, and the real @microsoft/microsoft-graph-client
// pointed at the gateway (its own last middleware sends over node:https trusting the gateway's
// CA, because Node 20's fetch cannot take a CA).
import { request } from 'node:https';
import graphSdk from '@microsoft/microsoft-graph-client';
import type { Client as GraphClient, Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Gateway } from '../../index.js';
import { clientCredentialsToken, ropcToken } from '../helpers/https.js';

const { AuthenticationHandler, Client } = graphSdk;

export const GRAPH_APP = '00000000-0000-0000-0000-0000000000a3';
export const GRAPH_APP_SECRET = 'graph-secret';
export const FABRIKAM_GRAPH_APP = '00000000-0000-0000-0000-0000000000f3';
export const MAIL_APP = '00000000-0000-0000-0000-0000000000a1';
export const PASSWORD = 'Reader-Passw0rd!';

export const SIGNINS_SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    users:
      - upn: alice@contoso.com
        password: "${PASSWORD}"
        roles: [GlobalAdministrator]
      - upn: gina@contoso.com
        password: "${PASSWORD}"
        roles: [GlobalReader]
      - upn: rita@contoso.com
        password: "${PASSWORD}"
        roles: [ReportsReader]
      - upn: erin@contoso.com
        password: "${PASSWORD}"
      - upn: exa@contoso.com
        password: "${PASSWORD}"
        roles: [ExchangeAdministrator]
      - upn: partner@contoso.com
        password: "${PASSWORD}"
        roles: [DelegatedAdmin]
    apps:
      - clientId: ${MAIL_APP}
        displayName: Mail App
        secret: "app-secret"
        delegated: [IMAP.AccessAsUser.All, User.Read]
        application: [IMAP.AccessAsApp]
      - clientId: ${GRAPH_APP}
        displayName: Graph-only App
        secret: "${GRAPH_APP_SECRET}"
        delegated: [User.Read, AuditLog.Read.All]
        application: [AuditLog.Read.All]
  - name: fabrikam
    domains: [fabrikam.com]
    phase: before-programme
    users:
      - upn: fred@fabrikam.com
        password: "${PASSWORD}"
        roles: [GlobalAdministrator]
    apps:
      - clientId: ${FABRIKAM_GRAPH_APP}
        displayName: Fabrikam Graph App
        secret: "${GRAPH_APP_SECRET}"
        delegated: [AuditLog.Read.All]
        application: [AuditLog.Read.All]
`;

export const AUDIT_SCOPE = 'https://graph.microsoft.com/AuditLog.Read.All';

/** A delegated Graph token for a user of the seed (password flow through the tenant's Graph app). */
export function userGraphToken(gw: Gateway, upn: string, scope = AUDIT_SCOPE, clientId = upn.endsWith('@fabrikam.com') ? FABRIKAM_GRAPH_APP : GRAPH_APP): Promise<string> {
  return ropcToken(gw, upn.split('@')[1], clientId, { upn, password: PASSWORD }, scope, GRAPH_APP_SECRET);
}

/** An app-only Graph token (client credentials, .default: the app's Graph roles). */
export function appGraphToken(gw: Gateway, tenant = 'contoso.com', clientId = GRAPH_APP): Promise<string> {
  return clientCredentialsToken(gw, tenant, { clientId, secret: GRAPH_APP_SECRET }, 'https://graph.microsoft.com/.default');
}

export function tenantId(gw: Gateway, name: string): string {
  const tenant = gw.core.directory.tenant(name);
  if (!tenant) throw new Error(`no tenant ${name}`);
  return tenant.id;
}

/** The SDK's last middleware: sends the request over node:https, trusting the gateway's CA. */
class GatewayTransport implements Middleware {
  requests = 0;
  constructor(readonly gw: Gateway) {}

  async execute(context: Context): Promise<void> {
    const url = new URL(typeof context.request === 'string' ? context.request : context.request.url);
    const headers: Record<string, string> = {};
    new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, key) => (headers[key] = value));
    this.requests++;
    const { status, head, body } = await new Promise<{ status: number; head: Headers; body: Buffer }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: context.options?.method ?? 'GET', path: url.pathname + url.search, headers, ca: this.gw.caCert, servername: 'localhost' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const head = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) head.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: res.statusCode ?? 0, head, body: Buffer.concat(chunks) });
        });
      });
      req.on('error', reject);
      req.end();
    });
    context.response = new Response(body, { status, headers: head });
  }
}

/** The real Graph SDK client, its base URL the gateway, its token from `getToken`. */
export function graphClient(gw: Gateway, getToken: () => Promise<string>): { client: GraphClient; transport: GatewayTransport } {
  const transport = new GatewayTransport(gw);
  const auth = new AuthenticationHandler({ getAccessToken: getToken });
  auth.setNext(transport);
  const client = Client.initWithMiddleware({ middleware: auth, baseUrl: `${gw.httpsUrl}/`, customHosts: new Set([gw.host]) });
  return { client, transport };
}
