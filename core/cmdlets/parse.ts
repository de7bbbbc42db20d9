// A PowerShell-style command line, read the way PowerShell's argument mode reads it, into the
// shape the admin REST API receives: { CmdletName, Parameters }. One cmdlet with literal
// arguments — no pipelines, variables other than $true/$false/$null, or sub-expressions.
//
//   Verb-Noun -Param value -Switch -Param:$false -Param $null -Param 'it''s' -Param "say ""hi""" -Param a,b
//
// Whether `-X value` gives X the value or X is a switch followed by a positional argument depends
// on the cmdlet (PowerShell asks the parameter's metadata), so the caller may pass the schema.
import { errors, SYNTAX } from './errors.js';

export type ArgValue = string | number | boolean | null | ArgValue[];

export interface CmdletInput {
  CmdletName: string;
  Parameters: Record<string, ArgValue>;
}

/** What the parser needs to know about a cmdlet's parameters (the registry provides it). */
export interface ParseSchema {
  /** The parameter a typed name means (case-insensitive, unique prefix), or undefined. */
  resolve(cmdlet: string, typed: string): { name: string; isSwitch: boolean; typeName: string } | undefined;
  /** Parameters that take positional arguments, in position order. */
  positional(cmdlet: string): string[];
}

type Token = { kind: 'param'; name: string; value?: ArgValue; text: string } | { kind: 'value'; value: ArgValue; text: string };

const BARE_END = /[\s,;|&(){}"'`]/;

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  get ch(): string {
    return this.text[this.pos];
  }
  skipSpace(): void {
    while (!this.done && /\s/.test(this.ch)) this.pos++;
  }

  /** A quoted string, the reader standing on its opening quote. */
  quoted(): string {
    const quote = this.ch as '"' | "'";
    this.pos++;
    let out = '';
    for (;;) {
      if (this.done) throw errors.syntax(SYNTAX.unterminated(quote));
      const c = this.ch;
      if (c === quote) {
        // A doubled quote is one quote character, in either kind of string.
        if (this.text[this.pos + 1] === quote) {
          out += quote;
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      if (quote === '"' && c === '`' && this.pos + 1 < this.text.length) {
        out += escape(this.text[this.pos + 1]);
        this.pos += 2;
        continue;
      }
      if (quote === '"' && c === '$' && /[A-Za-z_{(]/.test(this.text[this.pos + 1] ?? '')) {
        throw errors.syntax(SYNTAX.unsupported('a variable inside a double-quoted string'));
      }
      out += c;
      this.pos++;
    }
  }

  bare(): string {
    const start = this.pos;
    while (!this.done && !BARE_END.test(this.ch)) {
      if (this.ch === '`') throw errors.syntax(SYNTAX.unsupported('a backtick outside quotes'));
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }

  /** One value: quoted, $true/$false/$null, a number or a bare word; `a,b` makes a list. */
  value(): ArgValue {
    const items: ArgValue[] = [this.single()];
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.ch !== ',') {
        this.pos = save;
        break;
      }
      this.pos++;
      this.skipSpace();
      if (this.done || /[,;|]/.test(this.ch)) throw errors.syntax(SYNTAX.missingAfterComma);
      items.push(this.single());
    }
    return items.length === 1 ? items[0] : items;
  }

  single(): ArgValue {
    const c = this.ch;
    if (c === '"' || c === "'") return this.quoted();
    if (c === '$') {
      this.pos++;
      const name = this.bare();
      const lower = name.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      throw errors.syntax(SYNTAX.unsupported(`the variable $${name}`));
    }
    if (c === '@' || c === '(' || c === '{') throw errors.syntax(SYNTAX.unsupported(`an expression starting with "${c}"`));
    if (c === '|' || c === ';' || c === '&') throw errors.syntax(SYNTAX.unsupported(`"${c}" (one cmdlet per line)`));
    const word = this.bare();
    if (word === '') throw errors.syntax(SYNTAX.unsupported(`"${c}"`));
    // Argument mode reads a bare number as a number (Int32 or Double), anything else as text.
    return /^-?\d+(\.\d+)?$/.test(word) && Number.isSafeInteger(Math.trunc(Number(word))) ? Number(word) : word;
  }
}

function escape(c: string): string {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    default:
      return c;
  }
}

function tokenize(r: Reader): Token[] {
  const tokens: Token[] = [];
  for (;;) {
    r.skipSpace();
    if (r.done) return tokens;
    const start = r.pos;
    if (r.ch === '-' && /[A-Za-z_?]/.test(r.text[r.pos + 1] ?? '')) {
      r.pos++;
      const nameStart = r.pos;
      while (!r.done && /[A-Za-z0-9_]/.test(r.ch)) r.pos++;
      const name = r.text.slice(nameStart, r.pos);
      if (r.text[r.pos] === ':') {
        // -Param:value binds the value even to a switch; whitespace may follow the colon.
        r.pos++;
        r.skipSpace();
        if (r.done) throw errors.missingArgument(name, 'System.Object');
        const value = r.value();
        tokens.push({ kind: 'param', name, value, text: r.text.slice(start, r.pos) });
      } else {
        if (!r.done && !/\s/.test(r.ch)) throw errors.syntax(SYNTAX.unsupported(`"${r.text.slice(start, r.pos + 1)}"`));
        tokens.push({ kind: 'param', name, text: r.text.slice(start, r.pos) });
      }
      continue;
    }
    const value = r.value();
    tokens.push({ kind: 'value', value, text: r.text.slice(start, r.pos) });
  }
}

/** Parses one cmdlet line; with a schema, switches and positional arguments bind as PowerShell binds them. */
export function parseCmdletLine(line: string, schema?: ParseSchema): CmdletInput {
  const r = new Reader(line);
  r.skipSpace();
  if (r.done) throw errors.syntax(SYNTAX.noCommand);
  const first = r.ch === '"' || r.ch === "'" ? r.quoted() : r.bare();
  if (!first) throw errors.syntax(SYNTAX.unsupported(`"${r.ch}" at the start of the line`));
  if (!/^[A-Za-z]+-[A-Za-z0-9]+$/.test(first)) throw errors.commandNotFound(first);
  const cmdlet = first;
  const tokens = tokenize(r);

  const parameters: Record<string, ArgValue> = {};
  const seen = new Set<string>();
  const positional: Extract<Token, { kind: 'value' }>[] = [];
  const put = (name: string, value: ArgValue) => {
    const key = name.toLowerCase();
    if (seen.has(key)) throw errors.parameterTwice(name);
    seen.add(key);
    parameters[name] = value;
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'value') {
      positional.push(token);
      continue;
    }
    const known = schema?.resolve(cmdlet, token.name);
    const name = known?.name ?? token.name;
    if (token.value !== undefined) {
      put(name, token.value);
      continue;
    }
    const next = tokens[i + 1];
    if (known?.isSwitch) {
      put(name, true);
    } else if (next && next.kind === 'value') {
      put(name, next.value);
      i++;
    } else if (known) {
      throw errors.missingArgument(name, known.typeName);
    } else {
      // No schema, or a name the schema does not know: a switch as far as the line can tell; the
      // binder then names an unknown parameter in Exchange's words.
      put(name, true);
    }
  }

  if (positional.length) {
    const slots = schema?.positional(cmdlet).filter((p) => !seen.has(p.toLowerCase())) ?? [];
    positional.forEach((token, i) => {
      const slot = slots[i];
      if (!slot) throw errors.positionalNotFound(token.text);
      put(slot, token.value);
    });
  }
  return { CmdletName: cmdlet, Parameters: parameters };
}
