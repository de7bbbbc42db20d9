// Every IMAP command exogate answers, registered in one explicit map (STYLE.md): a command not
// here is `BAD Command Error. 12`, one in the wrong state `BAD Command received in Invalid state.`
import { FOLDER_COMMANDS } from './folders.js';
import { LOGIN_COMMANDS } from './login.js';
import { MESSAGE_COMMANDS } from './messages.js';
import { SESSION_COMMANDS } from './session.js';
import type { CommandSpec } from './spec.js';

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ...SESSION_COMMANDS,
  ...LOGIN_COMMANDS,
  ...FOLDER_COMMANDS,
  ...MESSAGE_COMMANDS,
]);
