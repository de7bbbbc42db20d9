// Sign-in records. A decision appends a compact record (a flat object, microseconds to build);
// the store keeps it as plain columns; readers get Microsoft Graph's signIn resource
// (reference §9.1) built from it. Records carry no secret: no password, token or header.
import { randomUUID } from 'node:crypto';
import type { Outcome } from '../auth/attempt.js';
import { uuidv7 } from '../ids.js';
import { aadstsText, aadstsTextHasPlaceholders, type AadstsCode } from '../identity/aadsts.js';
import { EXCHANGE_APP_ID } from '../identity/resources.js';
import type { Column } from '../store/sql.js';

export type SignInEventType = 'interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal';
export type ConditionalAccessStatus = 'success' | 'failure' | 'notApplied';

/** What is stored, one column each. */
export interface SignInRecord {
  id: string;
  at: number;
  tenantId: string | null;
  userId: string | null;
  upn: string | null;
  userDisplayName: string | null;
  appId: string;
  appDisplayName: string;
  resourceId: string;
  resourceDisplayName: string;
  clientAppUsed: string;
  errorCode: number;
  failureReason: string | null;
  ip: string;
  correlationId: string;
  userAgent: string | null;
  deviceId: string | null;
  caStatus: ConditionalAccessStatus;
  caPolicy: { id: string; displayName: string } | null;
  interactive: boolean;
  eventType: SignInEventType;
}

/** The signins table's columns, in SignInRecord's order (see toRow). */
export const SIGNIN_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'uuid' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'tenant_id', type: 'uuid' },
  { name: 'user_id', type: 'uuid' },
  { name: 'upn', type: 'text' },
  { name: 'user_display_name', type: 'text' },
  { name: 'app_id', type: 'text' },
  { name: 'app_display_name', type: 'text' },
  { name: 'resource_id', type: 'text' },
  { name: 'resource_display_name', type: 'text' },
  { name: 'client_app_used', type: 'text' },
  { name: 'error_code', type: 'integer' },
  { name: 'failure_reason', type: 'text' },
  { name: 'ip', type: 'text' },
  { name: 'correlation_id', type: 'text' },
  { name: 'user_agent', type: 'text' },
  { name: 'device_id', type: 'text' },
  { name: 'ca_status', type: 'text' },
  { name: 'ca_policy', type: 'jsonb' },
  { name: 'interactive', type: 'boolean' },
  { name: 'event_type', type: 'text' },
];

export function toRow(r: SignInRecord): unknown[] {
  return [
    r.id,
    new Date(r.at),
    r.tenantId,
    r.userId,
    r.upn,
    r.userDisplayName,
    r.appId,
    r.appDisplayName,
    r.resourceId,
    r.resourceDisplayName,
    r.clientAppUsed,
    r.errorCode,
    r.failureReason,
    r.ip,
    r.correlationId,
    r.userAgent,
    r.deviceId,
    r.caStatus,
    r.caPolicy,
    r.interactive,
    r.eventType,
  ];
}

/** A row as the store returns it (snake_case columns). */
export interface SignInRowFromStore {
  id: string;
  created_at: Date;
  tenant_id: string | null;
  user_id: string | null;
  upn: string | null;
  user_display_name: string | null;
  app_id: string;
  app_display_name: string;
  resource_id: string;
  resource_display_name: string;
  client_app_used: string;
  error_code: number;
  failure_reason: string | null;
  ip: string;
  correlation_id: string;
  user_agent: string | null;
  device_id: string | null;
  ca_status: ConditionalAccessStatus;
  ca_policy: { id: string; displayName: string } | null;
  interactive: boolean;
  event_type: SignInEventType;
}

export function fromRow(row: SignInRowFromStore): SignInRecord {
  return {
    id: row.id,
    at: row.created_at.getTime(),
    tenantId: row.tenant_id,
    userId: row.user_id,
    upn: row.upn,
    userDisplayName: row.user_display_name,
    appId: row.app_id,
    appDisplayName: row.app_display_name,
    resourceId: row.resource_id,
    resourceDisplayName: row.resource_display_name,
    clientAppUsed: row.client_app_used,
    errorCode: row.error_code,
    failureReason: row.failure_reason,
    ip: row.ip,
    correlationId: row.correlation_id,
    userAgent: row.user_agent,
    deviceId: row.device_id,
    caStatus: row.ca_status,
    caPolicy: row.ca_policy,
    interactive: row.interactive,
    eventType: row.event_type,
  };
}

/** Microsoft Graph's signIn resource (v1.0, plus beta's signInEventTypes). */
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
  conditionalAccessStatus: ConditionalAccessStatus;
  appliedConditionalAccessPolicies: {
    id: string;
    displayName: string;
    enforcedGrantControls: string[];
    enforcedSessionControls: string[];
    result: 'success' | 'failure' | 'notApplied' | 'notEnabled';
  }[];
  isInteractive: boolean;
  signInEventTypes: SignInEventType[];
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

/** Just enough of a user agent for deviceDetail's browser and operatingSystem. */
function describeAgent(userAgent = ''): { browser: string; operatingSystem: string } {
  const os = /Windows/i.test(userAgent)
    ? 'Windows'
    : /iPhone|iPad|iOS/i.test(userAgent)
      ? 'Ios'
      : /Mac OS|Macintosh/i.test(userAgent)
        ? 'MacOs'
        : /Android/i.test(userAgent)
          ? 'Android'
          : /Linux/i.test(userAgent)
            ? 'Linux'
            : '';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Chrome\//.test(userAgent)
      ? 'Chrome'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent
            ? userAgent.split(/[\s/]/)[0]
            : '';
  return { browser, operatingSystem: os };
}

export function toGraphSignIn(r: SignInRecord): SignIn {
  const { browser, operatingSystem } = describeAgent(r.userAgent ?? '');
  return {
    id: r.id,
    createdDateTime: new Date(r.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    userDisplayName: r.userDisplayName,
    userPrincipalName: r.upn,
    userId: r.userId,
    appId: r.appId,
    appDisplayName: r.appDisplayName,
    ipAddress: r.ip,
    clientAppUsed: r.clientAppUsed,
    correlationId: r.correlationId,
    conditionalAccessStatus: r.caStatus,
    appliedConditionalAccessPolicies: r.caPolicy
      ? [
          {
            id: r.caPolicy.id,
            displayName: r.caPolicy.displayName,
            enforcedGrantControls: r.caStatus === 'failure' ? ['Block'] : [],
            enforcedSessionControls: [],
            result: r.caStatus === 'failure' ? 'failure' : 'notApplied',
          },
        ]
      : [],
    isInteractive: r.interactive,
    signInEventTypes: [r.eventType],
    deviceDetail: { deviceId: r.deviceId ?? '', displayName: '', operatingSystem, browser, isCompliant: false, isManaged: false, trustType: '' },
    location: { city: '', state: '', countryOrRegion: '', geoCoordinates: { altitude: null, latitude: null, longitude: null } },
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes: [],
    riskEventTypes_v2: [],
    resourceDisplayName: r.resourceDisplayName,
    resourceId: r.resourceId,
    status: { errorCode: r.errorCode, failureReason: r.failureReason, additionalDetails: null },
  };
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
  tenantId: string | null;
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

export function newSignIn(input: SignInInput): SignInRecord {
  const code = input.errorCode;
  const interactive = input.isInteractive ?? true;
  return {
    id: uuidv7(input.at),
    at: input.at,
    tenantId: input.tenantId,
    userId: input.user?.id ?? null,
    upn: input.user?.upn ?? input.typedUserName ?? null,
    userDisplayName: input.user?.displayName ?? null,
    appId: input.appId ?? EXCHANGE_APP_ID,
    appDisplayName: input.appDisplayName ?? 'Office 365 Exchange Online',
    resourceId: input.resourceId ?? EXCHANGE_APP_ID,
    resourceDisplayName: input.resourceDisplayName ?? 'Office 365 Exchange Online',
    clientAppUsed: input.clientAppUsed,
    errorCode: code,
    failureReason:
      code === 0
        ? null
        : aadstsTextHasPlaceholders(code)
          ? aadstsText(code, { user: input.typedUserName ?? input.user?.upn ?? '', tenant: input.tenantName ?? '', resource: input.resourceId ?? EXCHANGE_APP_ID, ...input.details })
          : aadstsText(code),
    ip: input.ipAddress,
    correlationId: input.correlationId ?? randomUUID(),
    userAgent: input.userAgent ?? null,
    deviceId: input.deviceId ?? null,
    caStatus: input.conditionalAccessPolicy ? (input.blockedByConditionalAccess ? 'failure' : 'success') : 'notApplied',
    caPolicy: input.conditionalAccessPolicy ?? null,
    interactive,
    eventType: input.servicePrincipal ? 'servicePrincipal' : interactive ? 'interactiveUser' : 'nonInteractiveUser',
  };
}
