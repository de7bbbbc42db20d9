// The cmdlets exogate implements, by name, and the one way to run one: bind its parameters as
// PowerShell (or the admin API) does — names case-insensitive, unknown names, bad values and
// missing mandatory parameters refused with Exchange's texts — then run the handler. The admin
// REST API and the CLI (through the control API) both come here.
import type { Clock } from '../clock.js';
import type { Directory } from '../tenants/directory.js';
import type { Tenant } from '../tenants/model.js';
import { AUTHENTICATION_POLICY_CMDLETS } from './authentication-policy.js';
import { CAS_MAILBOX_CMDLETS } from './cas-mailbox.js';
import { errors, type Surface } from './errors.js';
import { MAILBOX_PERMISSION_CMDLETS } from './mailbox-permission.js';
import { ORGANIZATION_CMDLETS } from './organization.js';
import { parseCmdletLine, type ArgValue, type CmdletInput, type ParseSchema } from './parse.js';
import { SERVICE_PRINCIPAL_CMDLETS } from './service-principal.js';
import { STRING, SWITCH, type BoundArgs, type BoundValue, type CmdletObject, type CmdletSpec, type ParamSpec, type ParamType } from './spec.js';
import { TRANSPORT_CMDLETS } from './transport.js';
import { USER_CMDLETS } from './user.js';

const CMDLETS: ReadonlyMap<string, CmdletSpec> = new Map(
  [
    ...ORGANIZATION_CMDLETS,
    ...TRANSPORT_CMDLETS,
    ...AUTHENTICATION_POLICY_CMDLETS,
    ...USER_CMDLETS,
    ...CAS_MAILBOX_CMDLETS,
    ...SERVICE_PRINCIPAL_CMDLETS,
    ...MAILBOX_PERMISSION_CMDLETS,
  ].map((spec) => [spec.name.toLowerCase(), spec]),
);

export function findCmdlet(name: string): CmdletSpec | undefined {
  return CMDLETS.get(name.toLowerCase());
}

/** PowerShell's common parameters: accepted by every cmdlet and without effect here. */
const COMMON: Readonly<Record<string, ParamSpec>> = {
  Confirm: SWITCH,
  WhatIf: SWITCH,
  Verbose: SWITCH,
  Debug: SWITCH,
  ErrorAction: STRING,
  WarningAction: STRING,
  InformationAction: STRING,
};

const TYPE_NAMES: Record<ParamType['kind'], string> = {
  string: 'System.String',
  bool: 'System.Boolean',
  switch: 'System.Management.Automation.SwitchParameter',
  guid: 'System.Guid',
  enum: 'System.String',
  resultSize: 'Microsoft.Exchange.Data.Unlimited`1[System.UInt32]',
};

function allParams(spec: CmdletSpec): [string, ParamSpec][] {
  return [...Object.entries(spec.params), ...Object.entries(COMMON).filter(([n]) => !(n in spec.params))];
}

/**
 * The parameter a typed name means. A PowerShell session accepts any unambiguous prefix
 * (`-Ident`); the admin API binds names exactly (case-insensitively), as its JSON carries them.
 */
function resolveName(spec: CmdletSpec, typed: string, surface: Surface): [string, ParamSpec] | undefined {
  const lower = typed.toLowerCase();
  const params = allParams(spec);
  const exact = params.find(([n, p]) => n.toLowerCase() === lower || p.aliases?.some((a) => a.toLowerCase() === lower));
  if (exact || surface === 'rest') return exact;
  const prefixed = params.filter(([n]) => n.toLowerCase().startsWith(lower));
  if (prefixed.length > 1) throw errors.parameterAmbiguous(typed, prefixed.map(([n]) => n));
  return prefixed[0];
}

function typeOf(value: ArgValue | unknown): string {
  if (value === null) return '';
  if (Array.isArray(value)) return 'System.Object[]';
  if (typeof value === 'boolean') return 'System.Boolean';
  if (typeof value === 'number') return 'System.Int32';
  if (typeof value === 'string') return 'System.String';
  return 'System.Management.Automation.PSObject';
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

function convert(name: string, p: ParamSpec, value: unknown): BoundValue {
  const t = p.type;
  if (value === null) {
    if (p.nullable) return null;
    if (t.kind === 'bool' || t.kind === 'switch') throw errors.notBoolean(name, '', TYPE_NAMES[t.kind]);
    throw errors.nullOrEmpty(name);
  }
  switch (t.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw errors.notText(name, typeOf(value));
    case 'bool':
    case 'switch':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      throw errors.notBoolean(name, typeOf(value), TYPE_NAMES[t.kind]);
    case 'guid': {
      const m = typeof value === 'string' ? GUID.exec(value.trim()) : null;
      if (!m) throw errors.notGuid(name, String(value));
      return m[1].toLowerCase();
    }
    case 'enum': {
      const items = Array.isArray(value) ? value : [value];
      if (!t.array && items.length !== 1) throw errors.notText(name, typeOf(value));
      const out = items.map((item) => {
        const match = t.values.find((v) => typeof item === 'string' && v.toLowerCase() === item.trim().toLowerCase());
        if (!match) throw errors.notEnum(name, String(item), t.type, t.values);
        return match;
      });
      return t.array ? [...new Set(out)] : out[0];
    }
    case 'resultSize':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
      if (typeof value === 'string' && value.toLowerCase() === 'unlimited') return 'Unlimited';
      throw errors.notEnum(name, String(value), TYPE_NAMES.resultSize, ['Unlimited']);
  }
}

/** Binds the given parameters to the spec; every problem is Exchange's error for it. */
export function bindParameters(spec: CmdletSpec, given: Record<string, unknown>, surface: Surface): BoundArgs {
  const bound: BoundArgs = {};
  const unknown: string[] = [];
  const resolved: [string, ParamSpec, unknown][] = [];
  for (const [typed, value] of Object.entries(given)) {
    const found = resolveName(spec, typed, surface);
    if (!found) unknown.push(typed);
    else resolved.push([found[0], found[1], value]);
  }
  if (unknown.length) throw errors.parameterNotFound(unknown);
  for (const [name, p, value] of resolved) {
    if (name in bound) throw errors.parameterTwice(name);
    bound[name] = convert(name, p, value);
  }
  const missing = Object.entries(spec.params)
    .filter(([n, p]) => p.mandatory && bound[n] === undefined)
    .map(([n]) => n);
  if (missing.length) throw errors.missingMandatory(missing);
  return bound;
}

/** The parser's view of the registry, so switches and positional arguments bind as PowerShell binds them. */
const SCHEMA: ParseSchema = {
  resolve(cmdlet, typed) {
    const spec = findCmdlet(cmdlet);
    const found = spec && resolveName(spec, typed, 'shell');
    return found ? { name: found[0], isSwitch: found[1].type.kind === 'switch', typeName: TYPE_NAMES[found[1].type.kind] } : undefined;
  },
  positional(cmdlet) {
    const spec = findCmdlet(cmdlet);
    if (!spec) return [];
    return Object.entries(spec.params)
      .filter(([, p]) => p.position !== undefined)
      .sort((a, b) => a[1].position! - b[1].position!)
      .map(([n]) => n);
  },
};

/** A command line, as the CLI sends it, in the admin API's CmdletInput shape. */
export function parseLine(line: string): CmdletInput {
  return parseCmdletLine(line, SCHEMA);
}

export interface RunDeps {
  directory: Directory;
  clock: Clock;
}

/** Runs one cmdlet against a tenant. Throws CmdletError for every refusal the cmdlet defines. */
export async function runCmdlet(deps: RunDeps, tenant: Tenant, input: CmdletInput, surface: Surface): Promise<CmdletObject[]> {
  const spec = findCmdlet(input.CmdletName);
  if (!spec) throw errors.commandNotFound(input.CmdletName);
  const args = bindParameters(spec, input.Parameters ?? {}, surface);
  return spec.run({ directory: deps.directory, clock: deps.clock, tenant, now: deps.clock.now(), surface }, args);
}

