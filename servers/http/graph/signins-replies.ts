// Every text the sign-in log answers with, in one table: Graph's list (reference §9.2), its
// $filter refusals, and the portal download's cap (§9.3, §0). Tests compare against these.

/** Graph's signIns collection (§9.2). */
export const SIGNINS_CONTEXT = {
  'v1.0': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns',
  beta: 'https://graph.microsoft.com/beta/$metadata#auditLogs/signIns',
} as const;

/** Default and largest page (§9.2: "Max and default page size 1,000"). */
export const SIGNINS_MAX_TOP = 1000;

/** The portal download's cap per file (§9.3; §0: "100,000 rows in the new experience"). */
export const EXPORT_MAX_ROWS = 100_000;

/**
 * What the download says when the cap cut it short. UNCONFIRMED: the Entra portal's exact
 * wording was not captured; this says what it says (the cap, and the API for more).
 */
export const EXPORT_CAPPED_MESSAGE = `The download is limited to ${EXPORT_MAX_ROWS.toLocaleString('en-US')} records per file; only the first ${EXPORT_MAX_ROWS.toLocaleString('en-US')} sign-ins were downloaded. Use the Microsoft Graph API (GET /auditLogs/signIns) to get more.`;

/** The response header that carries EXPORT_CAPPED_MESSAGE (a CSV or JSON file cannot hold it without changing its shape). */
export const EXPORT_NOTICE_HEADER = 'x-exogate-export-notice';

/**
 * Graph's refusals of the list's query options. The $top texts are ODataLib / ASP.NET OData's
 * own; whether signIns refuses a $top over 1,000 (rather than clamping it) is UNCONFIRMED —
 * refusing is what Graph's OData layer does for a MaxTop, and a client learns of it at once.
 * The skip token text is UNCONFIRMED.
 */
export const LIST_ERRORS = {
  topInvalid: (value: string) => `Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`,
  topTooLarge: (value: string) => `The limit of '${SIGNINS_MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '${value}'.`,
  repeated: (name: string) => `Query option '${name}' was specified more than once, but it must be specified at most once.`,
  skipToken: () => 'The skip token is not valid.',
} as const;

/**
 * Graph's refusals of a $filter. The syntax, unknown-property, unknown-function and
 * incompatible-type texts are ODataLib's own messages, which Graph passes through; the "Invalid
 * filter clause" texts for a known property with an operator signIns does not support are
 * UNCONFIRMED (the most plausible wording; Graph's exact text was not captured).
 */
export const FILTER_ERRORS = {
  syntax: (position: number, text: string) => `Syntax error at position ${position} in '${text}'.`,
  expression: (position: number, text: string) => `Expression expected at position ${position} in '${text}'.`,
  property: (name: string) => `Could not find a property named '${name}' on type 'microsoft.graph.signIn'.`,
  func: (name: string) => `An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`,
  types: (left: string, right: string, operator: string) => `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' for operator kind '${operator}'.`,
  operator: (operator: string, property: string) => `Invalid filter clause: the '${operator}' operator is not supported for '${property}'.`,
  startsWith: (property: string) => `Invalid filter clause: startswith is not supported for '${property}'.`,
  tooComplex: () => 'Invalid filter clause: the filter has too many clauses.',
} as const;
