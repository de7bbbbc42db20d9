// The TRANSACTION state's commands (RFC 1939 §5, §7): STAT, LIST, UIDL, RETR, TOP, DELE, RSET.
// They read the session's snapshot of INBOX and mark it; none changes the mailbox (QUIT does).
// Answers take Exchange's forms (decompiled Pop3Request*): RETR and TOP open with a bare `+OK`,
// LIST without an argument with the totals, UIDL without an argument with nothing.
import type { Pop3Connection } from '../connection.js';
import { listing, multiline, type Lookup } from '../maildrop.js';
import { TEXTS } from '../replies.js';
import { TRANSACTION, type CommandSpec } from './spec.js';

/** The message a command names, or its -ERR said and null. */
function message(c: Pop3Connection, n: number): Extract<Lookup, { ok: true }> | null {
  const found = c.maildrop!.lookup(n);
  if (found.ok) return found;
  c.err(found.why === 'deleted' ? TEXTS.noLongerAvailable.text : TEXTS.outOfRange.text);
  return null;
}

const STAT: CommandSpec = {
  states: TRANSACTION,
  args: 'none',
  run(c) {
    const { count, octets } = c.maildrop!.totals();
    c.ok(`${count} ${octets}`);
  },
};

const LIST: CommandSpec = {
  states: TRANSACTION,
  args: 'optional-message',
  async run(c, { numbers }) {
    const maildrop = c.maildrop!;
    if (numbers.length) {
      const found = message(c, numbers[0]);
      return found ? c.ok(`${numbers[0]} ${found.meta.size}`) : undefined;
    }
    const { count, octets } = maildrop.totals();
    const lines = [...maildrop.live()].map(({ n, meta }) => `${n} ${meta.size}`);
    await c.send(`+OK ${count} ${octets}\r\n${listing(lines)}`);
  },
};

const UIDL: CommandSpec = {
  states: TRANSACTION,
  args: 'optional-message',
  async run(c, { numbers }) {
    const maildrop = c.maildrop!;
    if (numbers.length) {
      const found = message(c, numbers[0]);
      return found ? c.ok(`${numbers[0]} ${maildrop.uniqueId(found.meta)}`) : undefined;
    }
    const lines = [...maildrop.live()].map(({ n, meta }) => `${n} ${maildrop.uniqueId(meta)}`);
    await c.send(`+OK\r\n${listing(lines)}`);
  },
};

/** RETR, and TOP with its count of body lines. */
async function retrieve(c: Pop3Connection, n: number, bodyLines?: number): Promise<void> {
  const maildrop = c.maildrop!;
  const found = message(c, n);
  if (!found) return;
  const stored = (await c.ctx.mail.contents(maildrop.folderId, [found.meta.uid])).get(found.meta.uid);
  // Removed since the snapshot, by IMAP or another client.
  if (!stored) return c.err(TEXTS.noLongerAvailable.text);
  // Exchange marks a message read when its body is sent: RETR, and TOP of one line or more.
  if (bodyLines !== 0) maildrop.markRetrieved(found.index);
  await c.send(Buffer.concat([Buffer.from('+OK\r\n'), multiline(stored.body, bodyLines)]));
}

const RETR: CommandSpec = {
  states: TRANSACTION,
  args: 'message',
  run: (c, { numbers }) => retrieve(c, numbers[0]),
};

const TOP: CommandSpec = {
  states: TRANSACTION,
  args: 'message-and-lines',
  run: (c, { numbers }) => retrieve(c, numbers[0], numbers[1]),
};

/** Only a mark; the message goes at UPDATE (RFC 1939 §6). */
const DELE: CommandSpec = {
  states: TRANSACTION,
  args: 'message',
  run(c, { numbers }) {
    const found = message(c, numbers[0]);
    if (!found) return;
    c.maildrop!.markDeleted(found.index);
    c.ok();
  },
};

const RSET: CommandSpec = {
  states: TRANSACTION,
  args: 'none',
  run(c) {
    c.maildrop!.reset();
    c.ok();
  },
};

export const MAILDROP_COMMANDS: readonly [string, CommandSpec][] = [
  ['STAT', STAT],
  ['LIST', LIST],
  ['UIDL', UIDL],
  ['RETR', RETR],
  ['TOP', TOP],
  ['DELE', DELE],
  ['RSET', RSET],
];
