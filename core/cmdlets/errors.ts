// Every error a cmdlet can end with, each text once. A CmdletError names the .NET exception
// Exchange Online reports (the admin API puts it in `details` and `innererror`) and, for the
// few errors the V3 module and the REST API word differently, the REST wording.
//
// Evidence for the texts (reference §6.5, and public captures of the admin API):
// - not found: `Ex6F9304|...ManagementObjectNotFoundException|The operation couldn't be performed
//   because object '<x>' couldn't be found on '<DC>'.` (404, captured through InvokeCommand, 2023);
// - unknown parameter through REST: AmbiguousParameterSetException "Parameter set cannot be resolved
//   using the specified named parameters. Invalid cmdlet parameters specified. <name>" (400, 2026);
//   in a PowerShell session the module's own binder answers first with PowerShell's text;
// - bad enum value: ParameterTransformationException "Cannot process argument transformation on
//   parameter ..." (400, 2026);
// - RBAC: `User is not allowed to call <cmdlet>` (401, code Unauthorized, REST, 2021);
// - dehydrated organization and a second Enable-OrganizationCustomization: §6.5 and many admin scripts.
//
// UNCONFIRMED, and kept in this one table (UNCONFIRMED_TEXTS): the duplicate-name, policy-in-use and
// duplicate-service-principal texts, the exception type names that no capture shows, and the
// text of a malformed InvokeCommand body.

export type CmdletErrorKind = 'parameter' | 'not-found' | 'task' | 'unknown-cmdlet' | 'syntax' | 'not-allowed';

/** Where a cmdlet runs: the admin REST API, or a PowerShell-style session (the CLI). */
export type Surface = 'rest' | 'shell';

export class CmdletError extends Error {
  constructor(
    readonly kind: CmdletErrorKind,
    /** The .NET exception Exchange names. */
    readonly type: string,
    message: string,
    /** Exchange's `ExXXXXXX` error id, where a capture shows one. */
    readonly errorId = '',
    /** The admin API's words where they differ from a PowerShell session's. */
    readonly restMessage?: string,
    /** The admin API's exception where it differs. */
    readonly restType?: string,
  ) {
    super(message);
    this.name = 'CmdletError';
  }

  messageFor(surface: Surface): string {
    return surface === 'rest' && this.restMessage ? this.restMessage : this.message;
  }

  typeFor(surface: Surface): string {
    return surface === 'rest' && this.restType ? this.restType : this.type;
  }
}

const TYPES = {
  notFound: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
  ambiguous: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException',
  binding: 'System.Management.Automation.ParameterBindingException',
  ambiguousSet: 'Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException',
  transformation: 'Microsoft.Exchange.AdminApi.CommandInvocation.ParameterTransformationException',
  validation: 'System.Management.Automation.ValidationMetadataException',
  commandNotFound: 'System.Management.Automation.CommandNotFoundException',
  parse: 'System.Management.Automation.ParseException',
  notAllowed: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
  // UNCONFIRMED type names: no capture shows them.
  dehydrated: 'Microsoft.Exchange.Configuration.Tasks.OrganizationCustomizationRequiredException',
  alreadyHydrated: 'Microsoft.Exchange.Management.Deployment.OrganizationAlreadyHydratedException',
  alreadyExists: 'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException',
  inUse: 'Microsoft.Exchange.Configuration.Tasks.TaskInvalidOperationException',
} as const;

/** The texts no public capture confirms; the most plausible wording, gathered here to correct in one place. */
export const UNCONFIRMED_TEXTS = {
  /** Exchange's generic duplicate-object text, with the policy's DN (§6.1's DN form). */
  alreadyExists: (dc: string, dn: string) => `Active Directory operation failed on ${dc}. The object '${dn}' already exists.`,
  policyInUse: (name: string) =>
    `The authentication policy '${name}' can't be removed because it's assigned to one or more users or is the organization's default authentication policy.`,
  servicePrincipalExists: (appId: string) => `A service principal with AppId '${appId}' already exists.`,
  /** The admin API's answer to a body that is not a CmdletInput. */
  badBody: 'The request body is not a valid CmdletInput: expected JSON like {"CmdletInput":{"CmdletName":"...","Parameters":{}}}.',
  badContentType: "The request's Content-Type must be application/json.",
  tooLarge: 'The request body is too large.',
} as const;

export const errors = {
  notFound: (identity: string, dc: string) =>
    new CmdletError('not-found', TYPES.notFound, `The operation couldn't be performed because object '${identity}' couldn't be found on '${dc}'.`, 'Ex6F9304'),
  ambiguous: (identity: string) => new CmdletError('task', TYPES.ambiguous, `The operation couldn't be performed because '${identity}' matches multiple entries.`),
  parameterNotFound: (names: string[]) =>
    new CmdletError(
      'parameter',
      TYPES.binding,
      `A parameter cannot be found that matches parameter name '${names[0]}'.`,
      '',
      `Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. ${names.join(', ')}`,
      TYPES.ambiguousSet,
    ),
  parameterAmbiguous: (name: string, matches: string[]) =>
    new CmdletError(
      'parameter',
      TYPES.binding,
      `Parameter cannot be processed because the parameter name '${name}' is ambiguous. Possible matches include: ${matches.map((m) => `-${m}`).join(' ')}.`,
    ),
  parameterTwice: (name: string) =>
    new CmdletError(
      'parameter',
      TYPES.binding,
      `Cannot bind parameter because parameter '${name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`,
    ),
  positionalNotFound: (argument: string) => new CmdletError('parameter', TYPES.binding, `A positional parameter cannot be found that accepts argument '${argument}'.`),
  missingArgument: (name: string, type: string) =>
    new CmdletError('parameter', TYPES.binding, `Missing an argument for parameter '${name}'. Specify a parameter of type '${type}' and try again.`),
  missingMandatory: (names: string[]) =>
    new CmdletError('parameter', TYPES.binding, `Cannot process command because of one or more missing mandatory parameters: ${names.join(' ')}.`),
  notBoolean: (name: string, valueType: string, target = 'System.Boolean') =>
    new CmdletError(
      'parameter',
      TYPES.transformation,
      `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${valueType}" to type "${target}". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
    ),
  notEnum: (name: string, value: string, type: string, allowed: readonly string[]) =>
    new CmdletError(
      'parameter',
      TYPES.transformation,
      `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${value}" to type "${type}". Error: "Unable to match the identifier name ${value} to a valid enumerator name. Specify one of the following enumerator names and try again: ${allowed.join(', ')}"`,
    ),
  notGuid: (name: string, value: string) =>
    new CmdletError(
      'parameter',
      TYPES.transformation,
      `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${value}" to type "System.Guid". Error: "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."`,
    ),
  notText: (name: string, valueType: string) =>
    new CmdletError('parameter', TYPES.transformation, `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${valueType}" to type "System.String".`),
  nullOrEmpty: (name: string) =>
    new CmdletError(
      'parameter',
      TYPES.validation,
      `Cannot validate argument on parameter '${name}'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.`,
    ),
  commandNotFound: (name: string) =>
    new CmdletError(
      'unknown-cmdlet',
      TYPES.commandNotFound,
      `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
    ),
  notAllowed: (name: string) => new CmdletError('not-allowed', TYPES.notAllowed, `User is not allowed to call ${name}`),
  syntax: (text: string) => new CmdletError('syntax', TYPES.parse, text),
  dehydrated: () =>
    new CmdletError(
      'task',
      TYPES.dehydrated,
      "The command you tried to run isn't currently allowed in your organization. To run this command, you first need to run the command: Enable-OrganizationCustomization.",
    ),
  alreadyCustomized: () => new CmdletError('task', TYPES.alreadyHydrated, 'This operation is not required. Organization is already enabled for customization.'),
  alreadyExists: (dc: string, dn: string) => new CmdletError('task', TYPES.alreadyExists, UNCONFIRMED_TEXTS.alreadyExists(dc, dn)),
  policyInUse: (name: string) => new CmdletError('task', TYPES.inUse, UNCONFIRMED_TEXTS.policyInUse(name)),
  servicePrincipalExists: (appId: string) => new CmdletError('task', TYPES.alreadyExists, UNCONFIRMED_TEXTS.servicePrincipalExists(appId)),
};

/** PowerShell's parser texts for a bad command line. */
export const SYNTAX = {
  unterminated: (quote: '"' | "'") => `The string is missing the terminator: ${quote}.`,
  missingAfterComma: "Missing expression after ','.",
  noCommand: 'An empty pipe element is not allowed.',
  unsupported: (what: string) => `exogate runs one cmdlet with literal arguments; ${what} is not supported here.`,
} as const;
