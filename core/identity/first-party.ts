// Microsoft's own (first-party) applications, which exist in every tenant without being
// registered there: exogate has one, the Microsoft 365 admin center's sign-in client, so the
// admin center under /admin can sign a tenant's administrator in through the ordinary
// authorization-code + PKCE flow (issue 5 item 7).
//
// Choices (recorded for the issue): it is a public client (no secret, PKCE required by its own
// page), with delegated Microsoft Graph permissions only. Its one redirect is `/admin/callback`
// on exogate itself; the identity platform cannot know which host name a user reached exogate
// on (localhost, 127.0.0.1, a hosts-file name), so any https origin is accepted with exactly
// that path, and no query, fragment or user info. A seed app with the same client id wins.
import type { App } from '../tenants/model.js';

/** The real admin center's app id, "Microsoft Office 365 Portal". */
export const ADMIN_CENTER_APP_ID = '00000006-0000-0ff1-ce00-000000000000';
export const ADMIN_CENTER_APP_NAME = 'Microsoft Office 365 Portal';
export const ADMIN_CENTER_REDIRECT_PATH = '/admin/callback';

/** What the admin center's pages call: the programme API, Message Center, Service Health, sign-in logs. */
export const ADMIN_CENTER_PERMISSIONS: readonly string[] = Object.freeze([
  'User.Read',
  'Directory.Read.All',
  'AuditLog.Read.All',
  'ServiceMessage.Read.All',
  'ServiceHealth.Read.All',
  'Reports.Read.All',
]);

/** The first-party app as it appears in a tenant (`tenantId` '' when the tenant is not known yet, at /common). */
export function firstPartyApp(clientId: string, tenantId: string): App | undefined {
  if (clientId.toLowerCase() !== ADMIN_CENTER_APP_ID) return undefined;
  return {
    clientId: ADMIN_CENTER_APP_ID,
    tenantId,
    objectId: ADMIN_CENTER_APP_ID,
    displayName: ADMIN_CENTER_APP_NAME,
    secretHashes: [],
    delegated: [...ADMIN_CENTER_PERMISSIONS],
    application: [],
    redirectUris: [],
    createdAt: 0,
  };
}

export function isFirstParty(app: App): boolean {
  return app.clientId === ADMIN_CENTER_APP_ID && app.objectId === ADMIN_CENTER_APP_ID && app.redirectUris.length === 0;
}

/** Registered redirect URIs match exactly; the first-party app's is `https://<any host>/admin/callback`. */
export function redirectUriAllowed(app: App, redirectUri: string): boolean {
  if (app.redirectUris.includes(redirectUri)) return true;
  if (!isFirstParty(app)) return false;
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  // Equal to `<origin>/admin/callback`: so no other path, query, fragment or user info.
  return url.protocol === 'https:' && redirectUri === `${url.origin}${ADMIN_CENTER_REDIRECT_PATH}`;
}
