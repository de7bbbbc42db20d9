// The shape of an IMAP command (STYLE.md: commands as data): the states it is valid in and its
// handler. The connection checks the state before any handler runs.
import type { ImapConnection, ImapState } from '../connection.js';
import type { ParsedCommand } from '../parser.js';

export interface CommandSpec {
  states: readonly ImapState[];
  run(c: ImapConnection, command: ParsedCommand): void | Promise<void>;
}

export const ANY: readonly ImapState[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTHENTICATED: readonly ImapState[] = ['not-authenticated'];
export const AUTHENTICATED: readonly ImapState[] = ['authenticated', 'selected'];
export const SELECTED: readonly ImapState[] = ['selected'];
