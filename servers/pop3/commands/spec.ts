// The shape of a POP3 command (STYLE.md: commands as data): the states it is valid in, whether
// it needs (or refuses) TLS, the arguments it takes and its handler. The connection checks the
// state, then the arguments, before any handler runs — in that order, as Exchange's
// VerifyState/ParseArguments do.
import type { Pop3Connection, Pop3State } from '../connection.js';

/**
 * - none: anything after the command is ignored
 * - text: the rest of the line, which must not be empty (USER)
 * - secret: the rest of the line as it is, spaces included, maybe empty (PASS)
 * - sasl: a mechanism and maybe an initial response, or nothing (AUTH)
 * - message: one message number (RETR, DELE)
 * - optional-message: a message number or nothing (LIST, UIDL)
 * - message-and-lines: a message number and a count of lines (TOP)
 */
export type ArgShape = 'none' | 'text' | 'secret' | 'sasl' | 'message' | 'optional-message' | 'message-and-lines';

export interface Args {
  /** The line after the command word and one space, as sent (latin1). */
  rest: string;
  /** The words of `rest` (sasl), or the numbers (message shapes). */
  words: string[];
  numbers: number[];
}

export interface CommandSpec {
  states: readonly Pop3State[];
  args: ArgShape;
  /**
   * `sign-in`: only inside TLS unless the gateway allows sign-in outside it (Exchange's
   * VerifyState for USER/PASS/AUTH on a SecureLogin server); `before`: only before TLS (STLS).
   * Refused as a command in the wrong state.
   */
  tls?: 'sign-in' | 'before';
  run(c: Pop3Connection, args: Args): void | Promise<void>;
}

/** AUTHORIZATION before USER, and after a sign-in that could not reach the mailbox (Exchange lets it sign in again). */
export const SIGN_IN_STATES: readonly Pop3State[] = ['authorization', 'not-connected'];
export const TRANSACTION: readonly Pop3State[] = ['transaction'];
export const ANY: readonly Pop3State[] = ['authorization', 'password', 'transaction', 'not-connected'];

/** Why arguments were refused: a bad value (Protocol error. 14) or a wrong count (Protocol error. 16). */
export type ArgProblem = 'bad-argument' | 'argument-count';

const NUMBER = /^\d{1,10}$/;
const INT_MAX = 2_147_483_647;

function number(word: string, min: number): number | null {
  if (!NUMBER.test(word)) return null;
  const n = Number(word);
  return n >= min && n <= INT_MAX ? n : null;
}

/** Reads a command's arguments for its shape (decompiled Pop3RequestWithIntParameters.ParseArguments). */
export function parseArgs(shape: ArgShape, rest: string): Args | ArgProblem {
  const trimmed = rest.trim();
  const words = trimmed ? trimmed.split(/ +/) : [];
  switch (shape) {
    case 'none':
      return { rest, words: [], numbers: [] };
    case 'secret':
      return { rest, words: [], numbers: [] };
    case 'text':
      return trimmed ? { rest: trimmed, words: [], numbers: [] } : 'argument-count';
    case 'sasl':
      return words.length > 2 ? 'argument-count' : { rest, words, numbers: [] };
    case 'optional-message':
    case 'message': {
      if (!words.length && shape === 'optional-message') return { rest, words, numbers: [] };
      if (words.length !== 1) return 'argument-count';
      const n = number(words[0], 1);
      return n === null ? 'bad-argument' : { rest, words, numbers: [n] };
    }
    case 'message-and-lines': {
      if (words.length !== 2) return 'argument-count';
      const n = number(words[0], 1);
      const lines = number(words[1], 0);
      return n === null || lines === null ? 'bad-argument' : { rest, words, numbers: [n, lines] };
    }
  }
}
