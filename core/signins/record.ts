// The sign-in record: Microsoft Graph's signIn resource (reference §9.1), built from a decision
// or a token request. Records carry no secret: no password, no token, no authorization header.
import { randomUUID } from 'node:crypto';
import type { Outcome } from '../auth/attempt.js';
import { aadstsText, type AadstsCode } from '../identity/aadsts.js';
import { EXCHANGE_APP_ID } from '../identity/resources.js';

export interface SignIn {
  id: string;
  createdDateTime: string;
  userDisplayName: string | null;
  userPrincipalName: string | null;
  userId: string | null;
  appId: string;
  appDisplayName: string;
  ipAddress: string;
  clientAppUsed: string;
  correlationId: string;
  conditionalAccessStatus: 'success' | 'failure' | 'notApplied';
  appliedConditionalAccessPolicies: {
    id: string;
    displayName: string;
    enforcedGrantControls: string[];
    enforcedSessionControls: string[];
    result: 'success' | 'failure' | 'notApplied' | 'notEnabled';
  }[];
  isInteractive: boolean;
  /** Graph beta's field; v1.0 lists only user sign-ins, which this tells apart. */
  signInEventTypes: ('interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal')[];
  deviceDetail: {
    deviceId: string;
    displayName: string;
    operatingSystem: string;
    browser: string;
    isCompliant: boolean;
    isManaged: boolean;
    trustType: string;
  };
  location: { city: string; state: string; countryOrRegion: string; geoCoordinates: { altitude: null; latitude: null; longitude: null } };
  riskDetail: 'none';
  riskLevelAggregated: 'none';
  riskLevelDuringSignIn: 'none';
  riskState: 'none';
  riskEventTypes: string[];
  riskEventTypes_v2: string[];
  resourceDisplayName: string;
  resourceId: string;
  status: { errorCode: number; failureReason: string | null; additionalDetails: string | null };
}

/** A record plus the columns it is stored and filtered by. */
export interface SignInRow {
  tenantId: string | null;
  record: SignIn;
  /** Kept beside the record for the usage report; not a Graph v1.0 field. */
  userAgent?: string;
}

/** The AADSTS code each auth-core outcome leaves in the log (§8.5); 0 = success. */
export const OUTCOME_ERROR_CODES: Readonly<Record<Outcome, AadstsCode | 0>> = {
  ok: 0,
  'protocol-disabled-for-mailbox': 0, // Entra said yes; Exchange then refuses the mailbox (§6.7 step 5)
  'unknown-tenant': 90002,
  'unknown-user': 50034,
  'account-disabled': 50057,
  'bad-credentials': 50126,
  'locked-out': 50053,
  'security-defaults': 530035,
  'conditional-access': 53003,
  'mfa-required': 50076,
  // The rest never reach the identity platform, so they never appear in a record; their
  // codes serve the decision object only.
  'basic-blocked-by-microsoft': 0,
  'basic-blocked-by-policy': 0,
  'smtp-basic-retired': 0,
  'smtp-auth-disabled-tenant': 0,
  'smtp-auth-disabled-mailbox': 0,
  'token-invalid': 0,
  'token-expired': 0,
  'wrong-audience': 0,
  'missing-scope': 0,
  'no-mailbox-permission': 0,
};

export interface SignInInput {
  at: number;
  tenantName?: string;
  user?: { id: string; upn: string; displayName: string } | null;
  /** The user name as typed, when no user matched. */
  typedUserName?: string;
  appId?: string;
  appDisplayName?: string;
  resourceId?: string;
  resourceDisplayName?: string;
  clientAppUsed: string;
  ipAddress: string;
  errorCode: AadstsCode | 0;
  /** Placeholders of the AADSTS text. */
  details?: Record<string, string>;
  isInteractive?: boolean;
  servicePrincipal?: boolean;
  blockedByConditionalAccess?: boolean;
  conditionalAccessPolicy?: { id: string; displayName: string } | null;
  userAgent?: string;
  deviceId?: string;
  correlationId?: string;
}

/** Parses the user agent just enough for deviceDetail's browser and operatingSystem. */
function describeAgent(userAgent = ''): { browser: string; operatingSystem: string } {
  const os = /Windows/i.test(userAgent) ? 'Windows' : /Mac OS|Macintosh|iOS|iPhone|iPad/i.test(userAgent) ? (/(iPhone|iPad|iOS)/i.test(userAgent) ? 'Ios' : 'MacOs') : /Android/i.test(userAgent) ? 'Android' : /Linux/i.test(userAgent) ? 'Linux' : '';
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Chrome\//.test(userAgent) ? 'Chrome' : /Firefox\//.test(userAgent) ? 'Firefox' : /Safari\//.test(userAgent) ? 'Safari' : userAgent ? userAgent.split(/[\s/]/)[0] : '';
  return { browser, operatingSystem: os };
}

export function buildSignIn(input: SignInInput): SignIn {
  const code = input.errorCode;
  const details = { user: input.typedUserName ?? input.user?.upn ?? '', tenant: input.tenantName ?? '', resource: input.resourceId ?? EXCHANGE_APP_ID, ...input.details };
  const ca = input.conditionalAccessPolicy;
  const { browser, operatingSystem } = describeAgent(input.userAgent);
  return {
    id: randomUUID(),
    createdDateTime: new Date(input.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    userDisplayName: input.user?.displayName ?? null,
    userPrincipalName: input.user?.upn ?? input.typedUserName ?? null,
    userId: input.user?.id ?? null,
    appId: input.appId ?? EXCHANGE_APP_ID,
    appDisplayName: input.appDisplayName ?? 'Office 365 Exchange Online',
    ipAddress: input.ipAddress,
    clientAppUsed: input.clientAppUsed,
    correlationId: input.correlationId ?? randomUUID(),
    conditionalAccessStatus: ca ? (input.blockedByConditionalAccess ? 'failure' : 'success') : 'notApplied',
    appliedConditionalAccessPolicies: ca
      ? [
          {
            id: ca.id,
            displayName: ca.displayName,
            enforcedGrantControls: input.blockedByConditionalAccess ? ['Block'] : [],
            enforcedSessionControls: [],
            result: input.blockedByConditionalAccess ? 'failure' : 'notApplied',
          },
        ]
      : [],
    isInteractive: input.isInteractive ?? true,
    signInEventTypes: [input.servicePrincipal ? 'servicePrincipal' : (input.isInteractive ?? true) ? 'interactiveUser' : 'nonInteractiveUser'],
    deviceDetail: { deviceId: input.deviceId ?? '', displayName: '', operatingSystem, browser, isCompliant: false, isManaged: false, trustType: '' },
    location: { city: '', state: '', countryOrRegion: '', geoCoordinates: { altitude: null, latitude: null, longitude: null } },
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes: [],
    riskEventTypes_v2: [],
    resourceDisplayName: input.resourceDisplayName ?? 'Office 365 Exchange Online',
    resourceId: input.resourceId ?? EXCHANGE_APP_ID,
    status: {
      errorCode: code,
      failureReason: code === 0 ? null : aadstsText(code, details),
      additionalDetails: null,
    },
  };
}
