// Message commands besides FETCH and SEARCH: STORE, COPY, MOVE (RFC 6851), EXPUNGE, UID
// EXPUNGE (RFC 4315), APPEND (with UIDPLUS's APPENDUID), and the UID prefix (RFC 3501 §6.4).
import { MailError } from '../../../core/mail/store.js';
import type { ImapConnection } from '../connection.js';
import { flagList, parseImapDate } from '../format.js';
import { ArgumentError, astring, atomArg, type Token } from '../parser.js';
import { completed, TEXTS } from '../replies.js';
import { fetch } from './fetch.js';
import { folderName } from './folders.js';
import { search } from './search.js';
import { AUTHENTICATED, SELECTED, type CommandSpec } from './spec.js';

const SYSTEM = new Set(['\\seen', '\\answered', '\\flagged', '\\deleted', '\\draft']);

/** Flags a client may set: system flags (canonical case) and keywords (atoms); never \Recent. */
function flagsArg(tokens: Token[]): string[] {
  return tokens.map((t) => {
    const flag = atomArg(t);
    if (flag.startsWith('\\')) {
      if (!SYSTEM.has(flag.toLowerCase())) throw new ArgumentError(`not a settable flag: ${flag}`);
      return `\\${flag[1].toUpperCase()}${flag.slice(2).toLowerCase()}`;
    }
    return flag;
  });
}

async function store(c: ImapConnection, tag: string, args: Token[], byUid: boolean): Promise<void> {
  const selected = c.selected!;
  const seqs = selected.resolve(atomArg(args[0]), byUid);
  if (!seqs) return c.tagged(tag, 'BAD', TEXTS.badMessageSet.text);
  const m = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(atomArg(args[1]));
  if (!m) throw new ArgumentError('STORE item');
  const flags = flagsArg(args[2]?.kind === 'list' ? args[2].items : args.slice(2));
  if (selected.readOnly) return c.tagged(tag, 'NO', TEXTS.invalidState.text);
  const mode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
  const uids = seqs.map((s) => selected.uids[s - 1]);
  const changed = await c.ctx.mail.setFlags(selected.folderId, uids, mode, flags, c);
  for (const [uid, newFlags] of changed) {
    const seq = selected.seqOf(uid);
    if (!seq) continue;
    selected.flags[seq - 1] = newFlags;
    if (!m[2]) c.untagged(`${seq} FETCH (FLAGS ${flagList(newFlags)}${byUid ? ` UID ${uid}` : ''})`);
  }
  await c.beforeCompletion(byUid ? 'UID STORE' : 'STORE');
  c.tagged(tag, 'OK', completed('STORE'));
}

async function copyOrMove(c: ImapConnection, tag: string, args: Token[], byUid: boolean, verb: 'COPY' | 'MOVE'): Promise<void> {
  const selected = c.selected!;
  const seqs = selected.resolve(atomArg(args[0]), byUid);
  if (!seqs) return c.tagged(tag, 'BAD', TEXTS.badMessageSet.text);
  const target = await c.ctx.mail.folder(c.user!.id, folderName(args[1]));
  if (!target) return c.tagged(tag, 'NO', `[TRYCREATE] ${TEXTS.mailboxNotFound.text}`);
  if (verb === 'MOVE' && selected.readOnly) return c.tagged(tag, 'NO', TEXTS.invalidState.text);
  const uids = seqs.map((s) => selected.uids[s - 1]);
  const { uidValidity, pairs } = await c.ctx.mail.copy(selected.folderId, uids, target.id);
  const code = pairs.length ? `[COPYUID ${uidValidity} ${pairs.map((p) => p[0]).join(',')} ${pairs.map((p) => p[1]).join(',')}] ` : '';
  if (verb === 'COPY') {
    await c.beforeCompletion(byUid ? 'UID COPY' : 'COPY');
    return c.tagged(tag, 'OK', `${code}${completed('COPY')}`);
  }
  // RFC 6851 §4.3: COPYUID in an untagged OK, then the EXPUNGEs, then the tagged OK.
  if (code) c.untagged(`OK ${code.trim()}`);
  const gone = await c.ctx.mail.expunge(selected.folderId, { uids: pairs.map((p) => p[0]), onlyDeleted: false, origin: c });
  for (const seq of selected.removeUids(gone)) c.untagged(`${seq} EXPUNGE`);
  await c.beforeCompletion(byUid ? 'UID MOVE' : 'MOVE');
  c.tagged(tag, 'OK', completed('MOVE'));
}

async function expunge(c: ImapConnection, tag: string, args: Token[], byUid: boolean): Promise<void> {
  const selected = c.selected!;
  if (selected.readOnly) return c.tagged(tag, 'NO', TEXTS.invalidState.text);
  let uids: number[] | undefined;
  if (byUid) {
    const seqs = selected.resolve(atomArg(args[0]), true);
    if (!seqs) return c.tagged(tag, 'BAD', TEXTS.badMessageSet.text);
    uids = seqs.map((s) => selected.uids[s - 1]);
  }
  const gone = await c.ctx.mail.expunge(selected.folderId, { uids, onlyDeleted: true, origin: c });
  for (const seq of selected.removeUids(gone)) c.untagged(`${seq} EXPUNGE`);
  await c.beforeCompletion('EXPUNGE');
  c.tagged(tag, 'OK', completed('EXPUNGE'));
}

/** APPEND mailbox [(flags)] [date-time] literal (RFC 3501 §6.3.11), answered with APPENDUID. */
const APPEND: CommandSpec = {
  states: AUTHENTICATED,
  async run(c, { tag, args }) {
    const name = folderName(args[0]);
    const message = args[args.length - 1];
    if (!message || message.kind !== 'string' || args.length < 2 || args.length > 4) throw new ArgumentError('APPEND syntax');
    let flags: string[] = [];
    let date: Date | null = null;
    for (const extra of args.slice(1, -1)) {
      if (extra.kind === 'list') flags = flagsArg(extra.items);
      else {
        date = parseImapDate(astring(extra, 'latin1'), true);
        if (!date) throw new ArgumentError('bad date-time');
      }
    }
    if (message.value.length > c.ctx.limits.imapMaxAppendBytes) return c.tagged(tag, 'NO', TEXTS.appendTooBig.text);
    try {
      const added = await c.ctx.mail.deliver(c.user!.id, Buffer.from(message.value), { folder: name, flags, internalDate: date ?? new Date(c.ctx.clock.now()) });
      await c.beforeCompletion('APPEND');
      c.tagged(tag, 'OK', `[APPENDUID ${added.uidValidity} ${added.uid}] ${completed('APPEND')}`);
    } catch (error) {
      if (error instanceof MailError) return c.tagged(tag, 'NO', `[TRYCREATE] ${TEXTS.mailboxNotFound.text}`);
      throw error;
    }
  },
};

type ByUid = (c: ImapConnection, tag: string, args: Token[], byUid: boolean) => Promise<void>;

const UID_COMMANDS: ReadonlyMap<string, ByUid> = new Map<string, ByUid>([
  ['FETCH', fetch],
  ['STORE', store],
  ['SEARCH', search],
  ['COPY', (c, tag, args, byUid) => copyOrMove(c, tag, args, byUid, 'COPY')],
  ['MOVE', (c, tag, args, byUid) => copyOrMove(c, tag, args, byUid, 'MOVE')],
  ['EXPUNGE', expunge],
]);

const UID: CommandSpec = {
  states: SELECTED,
  async run(c, { tag, args }) {
    const sub = UID_COMMANDS.get(atomArg(args[0]).toUpperCase());
    if (!sub) return c.tagged(tag, 'BAD', TEXTS.commandError12.text);
    await sub(c, tag, args.slice(1), true);
  },
};

const bySeq = (f: ByUid): CommandSpec => ({ states: SELECTED, run: (c, { tag, args }) => f(c, tag, args, false) });

export const MESSAGE_COMMANDS: readonly [string, CommandSpec][] = [
  ['FETCH', bySeq(fetch)],
  ['STORE', bySeq(store)],
  ['SEARCH', bySeq(search)],
  ['COPY', bySeq(UID_COMMANDS.get('COPY')!)],
  ['MOVE', bySeq(UID_COMMANDS.get('MOVE')!)],
  ['EXPUNGE', { states: SELECTED, run: (c, { tag }) => expunge(c, tag, [], false) }],
  ['UID', UID],
  ['APPEND', APPEND],
];
