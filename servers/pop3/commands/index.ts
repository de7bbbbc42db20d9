// Every POP3 command exogate answers, registered in one explicit map (STYLE.md): a command not
// here is `-ERR Protocol error. 19`, one in the wrong state `-ERR Command is not valid in this state.`
import { AUTH_COMMANDS } from './auth.js';
import { MAILDROP_COMMANDS } from './maildrop.js';
import { SESSION_COMMANDS } from './session.js';
import type { CommandSpec } from './spec.js';

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([...SESSION_COMMANDS, ...AUTH_COMMANDS, ...MAILDROP_COMMANDS]);
