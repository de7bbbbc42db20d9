// The sign-in log as the portal's CSV download lays it out (reference §9.3): UTC timestamps,
// one row per sign-in, the nested arrays (Conditional Access policies) left out. The column
// names are those of the Entra download for the fields exogate records; the selection and
// order are a choice (UNCONFIRMED beyond the names).
import type { SignIn } from '../../../core/signins/record.js';

const COLUMNS: readonly [string, (s: SignIn) => string | number | boolean | null][] = [
  ['Date (UTC)', (s) => s.createdDateTime],
  ['Request ID', (s) => s.id],
  ['Correlation ID', (s) => s.correlationId],
  ['User ID', (s) => s.userId],
  ['User', (s) => s.userDisplayName],
  ['Username', (s) => s.userPrincipalName],
  ['Application', (s) => s.appDisplayName],
  ['Application ID', (s) => s.appId],
  ['Resource', (s) => s.resourceDisplayName],
  ['Resource ID', (s) => s.resourceId],
  ['IP address', (s) => s.ipAddress],
  ['Status', (s) => (s.status.errorCode === 0 ? 'Success' : 'Failure')],
  ['Sign-in error code', (s) => s.status.errorCode],
  ['Failure reason', (s) => s.status.failureReason],
  ['Client app', (s) => s.clientAppUsed],
  ['Device ID', (s) => s.deviceDetail.deviceId],
  ['Browser', (s) => s.deviceDetail.browser],
  ['Operating System', (s) => s.deviceDetail.operatingSystem],
  ['Conditional Access', (s) => s.conditionalAccessStatus],
  ['Interactive', (s) => s.isInteractive],
];

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = `${COLUMNS.map(([name]) => cell(name)).join(',')}\r\n`;

export function csvRow(s: SignIn): string {
  return `${COLUMNS.map(([, read]) => cell(read(s))).join(',')}\r\n`;
}
