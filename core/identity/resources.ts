// The resources (APIs) the emulated identity platform issues tokens for, with their
// permissions (reference §8.2). A token is for one resource; a scope names the resource by
// prefix (`https://outlook.office.com/IMAP.AccessAsUser.All`) or is a bare Graph scope.

export interface Resource {
  key: 'exchange' | 'graph';
  /** The resource's application id (appid of its service principal). */
  appId: string;
  displayName: string;
  /** Identifier URIs a scope may start with; the token's `aud` is the one the client used. */
  identifiers: readonly string[];
  delegated: readonly string[];
  application: readonly string[];
}

export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export const RESOURCES: readonly Resource[] = [
  {
    key: 'exchange',
    appId: EXCHANGE_APP_ID,
    displayName: 'Office 365 Exchange Online',
    identifiers: ['https://outlook.office.com', 'https://outlook.office365.com', 'https://ps.outlook.com', EXCHANGE_APP_ID],
    delegated: [
      'IMAP.AccessAsUser.All',
      'POP.AccessAsUser.All',
      'SMTP.Send',
      'EWS.AccessAsUser.All',
      'EAS.AccessAsUser.All',
      'Exchange.Manage',
      'Mail.Read',
      'Mail.ReadWrite',
      'Mail.Send',
    ],
    application: ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp', 'full_access_as_app', 'Exchange.ManageAsApp', 'Mail.Read', 'Mail.Send'],
  },
  {
    key: 'graph',
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    identifiers: ['https://graph.microsoft.com', GRAPH_APP_ID],
    delegated: [
      'User.Read',
      'Mail.Read',
      'Mail.Send',
      'AuditLog.Read.All',
      'Directory.Read.All',
      'ServiceMessage.Read.All',
      'ServiceHealth.Read.All',
      'Reports.Read.All',
    ],
    application: [
      'User.Read.All',
      'Mail.Read',
      'Mail.Send',
      'AuditLog.Read.All',
      'Directory.Read.All',
      'ServiceMessage.Read.All',
      'ServiceHealth.Read.All',
      'Reports.Read.All',
    ],
  },
];

/** OpenID Connect scopes: granted to any app, never a resource of their own. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/** Audiences an Exchange protocol accepts (reference §8.4). */
export const EXCHANGE_AUDIENCES: ReadonlySet<string> = new Set(RESOURCES[0].identifiers);

export interface ParsedScope {
  resource: Resource;
  /** The identifier the client used, which becomes `aud`. */
  audience: string;
  /** Permission names (without prefix); `.default` means "everything the app was granted". */
  permissions: string[];
  oidc: string[];
}

export type ScopeError = { code: 70011 | 28000; scope: string };

/** Splits a `scope` parameter into one resource and its permissions. */
export function parseScope(scope: string): ParsedScope | ScopeError {
  const items = scope.split(/\s+/).filter(Boolean);
  const oidc: string[] = [];
  let chosen: { resource: Resource; audience: string } | undefined;
  const permissions: string[] = [];
  for (const item of items) {
    if (OIDC_SCOPES.has(item)) {
      oidc.push(item);
      continue;
    }
    const slash = item.lastIndexOf('/');
    const prefix = slash > 0 ? item.slice(0, slash) : 'https://graph.microsoft.com';
    const name = slash > 0 ? item.slice(slash + 1) : item;
    const resource = RESOURCES.find((r) => r.identifiers.some((id) => id.toLowerCase() === prefix.toLowerCase()));
    if (!resource || !name) return { code: 70011, scope: item };
    const audience = resource.identifiers.find((id) => id.toLowerCase() === prefix.toLowerCase())!;
    if (chosen && chosen.resource !== resource) return { code: 28000, scope: item };
    chosen ??= { resource, audience };
    const known = [...resource.delegated, ...resource.application].find((p) => p.toLowerCase() === name.toLowerCase());
    if (name !== '.default' && !known) return { code: 70011, scope: item };
    permissions.push(known ?? name);
  }
  // Only OIDC scopes: Entra issues a Graph token with User.Read.
  chosen ??= { resource: RESOURCES[1], audience: 'https://graph.microsoft.com' };
  if (!permissions.length) permissions.push('User.Read');
  return { ...chosen, permissions, oidc };
}

export function isScopeError(value: ParsedScope | ScopeError): value is ScopeError {
  return 'code' in value;
}
