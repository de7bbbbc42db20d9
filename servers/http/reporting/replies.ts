// Reporting Web Services' wire strings (`/ecp/reportingwebservice/reporting.svc`): an OData v2
// service (WCF Data Services) with Atom and verbose-JSON payloads. Error texts are WCF Data
// Services' own where the service would produce them; the ones marked UNCONFIRMED are
// exogate's choices.

export const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  app: 'http://www.w3.org/2007/app',
  data: 'http://schemas.microsoft.com/ado/2007/08/dataservices',
  metadata: 'http://schemas.microsoft.com/ado/2007/08/dataservices/metadata',
  scheme: 'http://schemas.microsoft.com/ado/2007/08/dataservices/scheme',
  edmx: 'http://schemas.microsoft.com/ado/2007/06/edmx',
  edm: 'http://schemas.microsoft.com/ado/2008/09/edm',
} as const;

/** The schema namespace of the service's entity types (TenantReporting.MessageTrace, ...). */
export const SCHEMA = 'TenantReporting';
export const CONTAINER = 'ReportingService';
export const SERVICE_PATH = '/ecp/reportingwebservice/reporting.svc';

export const CONTENT_TYPES = {
  feed: 'application/atom+xml;type=feed;charset=utf-8',
  xml: 'application/xml;charset=utf-8',
  json: 'application/json;charset=utf-8',
} as const;

export const DATA_SERVICE_VERSION = '2.0;';

/** Roles that may read the tenant's reports (the "Reports reader" family and Exchange's administrators). */
export const REPORT_ROLES = ['GlobalAdministrator', 'ExchangeAdministrator', 'GlobalReader', 'ReportsReader', 'SecurityReader'] as const;

export interface ODataError {
  status: number;
  message: string;
}

export const ERRORS = {
  notFound: (segment: string): ODataError => ({ status: 404, message: `Resource not found for the segment '${segment}'.` }),
  syntax: (position: number, text: string): ODataError => ({ status: 400, message: `Syntax error at position ${position} in '${text}'.` }),
  noProperty: (name: string, type: string, position: number): ODataError => ({ status: 400, message: `No property '${name}' exists in type '${type}' at position ${position}.` }),
  badInteger: (option: string, value: string): ODataError => ({
    status: 400,
    message: `Invalid integer value '${value}' for ${option} query option found. The ${option} query option requires a non-negative integer value.`,
  }),
  unknownOption: (name: string): ODataError => ({ status: 400, message: `The query parameter '${name}' begins with a system-reserved '$' character but is not recognized.` }),
  unsupportedFormat: (): ODataError => ({ status: 415, message: 'Unsupported media type requested.' }),
  /** UNCONFIRMED: the service is read-only; the text is exogate's. */
  readOnly: (): ODataError => ({ status: 405, message: 'The reporting service is read-only; only GET is supported.' }),
  /** UNCONFIRMED: a signed-in user without a reports role; status and text are exogate's choice. */
  accessDenied: (): ODataError => ({ status: 403, message: 'Access is denied. The user is not assigned a role that can read reports.' }),
  /** The request could not be answered; the detail stays in the log. */
  internal: (): ODataError => ({ status: 500, message: 'An error occurred while processing this request.' }),
};

/** Exchange Online's default mailbox quota (50 GB), reported as MailboxSize. */
export const MAILBOX_QUOTA_BYTES = 53_687_091_200;
/** MailboxUsageDetail's MailboxPlan for every exogate mailbox. */
export const MAILBOX_PLAN = 'ExchangeOnlineEnterprise';
/** MessageTrace's window when the filter names none: the 30 days the report covers. */
export const MESSAGE_TRACE_DAYS = 30;
/** Folders whose messages were not received: they are not traced as deliveries. */
export const NOT_RECEIVED_FOLDERS: ReadonlySet<string> = new Set(['Sent Items', 'Drafts', 'Outbox']);
