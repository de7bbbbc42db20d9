// The shape of a cmdlet: its parameters as data (type, mandatory, position, allowed values) and
// its handler. The binder (registry.ts) checks every argument against the spec before a handler
// runs, so handlers only ever see well-typed values.
import type { Clock } from '../clock.js';
import type { Directory } from '../tenants/directory.js';
import type { Tenant } from '../tenants/model.js';
import type { Surface } from './errors.js';

export type ParamType =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'switch' }
  | { kind: 'guid' }
  /** A .NET enum: one value, or an array of values when `array`. */
  | { kind: 'enum'; type: string; values: readonly string[]; array?: boolean }
  /** -ResultSize: a number or Unlimited. */
  | { kind: 'resultSize' };

export interface ParamSpec {
  type: ParamType;
  mandatory?: boolean;
  /** $null accepted (e.g. -AuthenticationPolicy $null removes the assignment). */
  nullable?: boolean;
  /** Position of a positional argument (Exchange's -Identity is position 0). */
  position?: number;
  aliases?: readonly string[];
}

/** A bound argument: what a handler receives. */
export type BoundValue = string | number | boolean | null | string[];
export type BoundArgs = Record<string, BoundValue | undefined>;

/** One property value of an output object, as Exchange shows it. */
export type OutValue = string | number | boolean | null | string[];
/** An output object: property names in the order Format-List shows them. */
export type CmdletObject = Record<string, OutValue>;

export interface CmdletContext {
  directory: Directory;
  clock: Clock;
  tenant: Tenant;
  /** The emulated time of the call: every change takes effect at it (DESIGN.md "Time"). */
  now: number;
  surface: Surface;
}

export interface CmdletSpec {
  name: string;
  /** Changes state: administrators only (readers may run the others). */
  writes: boolean;
  params: Readonly<Record<string, ParamSpec>>;
  run(ctx: CmdletContext, args: BoundArgs): Promise<CmdletObject[]> | CmdletObject[];
}

export const STRING: ParamSpec = { type: { kind: 'string' } };
export const BOOL: ParamSpec = { type: { kind: 'bool' } };
export const SWITCH: ParamSpec = { type: { kind: 'switch' } };
export const IDENTITY: ParamSpec = { type: { kind: 'string' }, mandatory: true, position: 0 };
export const OPTIONAL_IDENTITY: ParamSpec = { type: { kind: 'string' }, position: 0 };
export const RESULT_SIZE: ParamSpec = { type: { kind: 'resultSize' } };
