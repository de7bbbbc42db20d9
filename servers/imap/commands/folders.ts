// Folder commands: LIST, LSUB, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, SELECT,
// EXAMINE, CLOSE, UNSELECT (RFC 3501 §6.3, RFC 3691). Exchange lists special-use attributes
// (\Sent, \Trash, \Drafts, \Junk, \Archive) and CHILDREN attributes (§2.2).
import { MailError, type FolderInfo } from '../../../core/mail/store.js';
import type { ImapConnection } from '../connection.js';
import { mailboxOut, SYSTEM_FLAGS } from '../format.js';
import { astring, ArgumentError, listArg, mailboxArg } from '../parser.js';
import { completed, TEXTS } from '../replies.js';
import { SelectedFolder } from '../selected.js';
import { decodeMailboxName } from '../utf7.js';
import { AUTHENTICATED, SELECTED, type CommandSpec } from './spec.js';

/** A mailbox argument from the wire: modified UTF-7 decoded; INBOX in any case is INBOX. */
export function folderName(token: Parameters<typeof mailboxArg>[0]): string {
  const name = decodeMailboxName(mailboxArg(token)).replace(/\/+$/, '');
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/** LIST pattern (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the delimiter. */
function patternRegex(reference: string, pattern: string): RegExp {
  const full = reference + pattern;
  let source = '';
  for (const ch of full) {
    if (ch === '*') source += '.*';
    else if (ch === '%') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, /^inbox/i.test(full) ? 'i' : '');
}

function attributes(folder: FolderInfo, all: readonly FolderInfo[]): string {
  const children = all.some((f) => f.name.startsWith(`${folder.name}/`));
  return [children ? '\\HasChildren' : '\\HasNoChildren', ...(folder.specialUse ? [folder.specialUse] : [])].join(' ');
}

function listCommand(verb: 'LIST' | 'LSUB'): CommandSpec {
  return {
    states: AUTHENTICATED,
    async run(c, { tag, args }) {
      const reference = decodeMailboxName(astring(args[0]));
      const pattern = decodeMailboxName(astring(args[1]));
      if (args.length !== 2) throw new ArgumentError('LIST takes two arguments');
      if (pattern === '') {
        // The hierarchy delimiter and root (RFC 3501 §6.3.8).
        c.untagged(`${verb} (\\Noselect) "/" ""`);
      } else {
        const folders = await c.ctx.mail.folders(c.user!.id);
        const match = patternRegex(reference, pattern);
        for (const f of folders) {
          if (verb === 'LSUB' && !f.subscribed) continue;
          if (match.test(f.name)) c.untagged(`${verb} (${attributes(f, folders)}) "/" ${mailboxOut(f.name)}`);
        }
      }
      await c.beforeCompletion(verb);
      c.tagged(tag, 'OK', completed(verb));
    },
  };
}

/** Runs a folder change, answering NO with Exchange-like text for the store's refusals. */
async function folderChange(c: ImapConnection, tag: string, verb: string, change: () => Promise<unknown>): Promise<void> {
  try {
    await change();
  } catch (error) {
    if (!(error instanceof MailError)) throw error;
    const text = error.code === 'exists' ? TEXTS.mailboxExists : error.code === 'inbox' ? TEXTS.cannotDeleteInbox : TEXTS.mailboxNotFound;
    return c.tagged(tag, 'NO', text.text);
  }
  await c.beforeCompletion(verb);
  c.tagged(tag, 'OK', completed(verb));
}

const CREATE: CommandSpec = {
  states: AUTHENTICATED,
  run: (c, { tag, args }) =>
    folderChange(c, tag, 'CREATE', async () => {
      const name = folderName(args[0]);
      if (name === 'INBOX') throw new MailError('exists', 'INBOX exists');
      // Missing parents are created too (RFC 3501 §6.3.3).
      const levels = name.split('/');
      for (let i = 1; i < levels.length; i++) {
        const parent = levels.slice(0, i).join('/');
        if (!(await c.ctx.mail.folder(c.user!.id, parent))) await c.ctx.mail.createFolder(c.user!.id, parent);
      }
      await c.ctx.mail.createFolder(c.user!.id, name);
    }),
};

const DELETE: CommandSpec = {
  states: AUTHENTICATED,
  run: (c, { tag, args }) =>
    folderChange(c, tag, 'DELETE', async () => {
      const name = folderName(args[0]);
      const folders = await c.ctx.mail.folders(c.user!.id);
      if (folders.some((f) => f.name.startsWith(`${name}/`))) throw new MailError('exists', 'has children');
      if (c.selected?.name === name) c.select(null);
      await c.ctx.mail.deleteFolder(c.user!.id, name);
    }),
};

const RENAME: CommandSpec = {
  states: AUTHENTICATED,
  run: (c, { tag, args }) => folderChange(c, tag, 'RENAME', () => c.ctx.mail.renameFolder(c.user!.id, folderName(args[0]), folderName(args[1]))),
};

function subscribeCommand(verb: 'SUBSCRIBE' | 'UNSUBSCRIBE'): CommandSpec {
  return {
    states: AUTHENTICATED,
    run: (c, { tag, args }) => folderChange(c, tag, verb, () => c.ctx.mail.setSubscribed(c.user!.id, folderName(args[0]), verb === 'SUBSCRIBE')),
  };
}

const STATUS_ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN']);

const STATUS: CommandSpec = {
  states: AUTHENTICATED,
  async run(c, { tag, args }) {
    const name = folderName(args[0]);
    const items = listArg(args[1]).map((t) => (t.kind === 'atom' ? t.value.toUpperCase() : ''));
    if (!items.length || !items.every((i) => STATUS_ITEMS.has(i))) throw new ArgumentError('bad STATUS items');
    const folder = await c.ctx.mail.folder(c.user!.id, name);
    if (!folder) return c.tagged(tag, 'NO', TEXTS.mailboxNotFound.text);
    const s = await c.ctx.mail.status(folder.id);
    const values: Record<string, number> = { MESSAGES: s.messages, RECENT: 0, UIDNEXT: s.uidNext, UIDVALIDITY: s.uidValidity, UNSEEN: s.unseen };
    c.untagged(`STATUS ${mailboxOut(folder.name)} (${items.map((i) => `${i} ${values[i]}`).join(' ')})`);
    await c.beforeCompletion('STATUS');
    c.tagged(tag, 'OK', completed('STATUS'));
  },
};

function selectCommand(verb: 'SELECT' | 'EXAMINE'): CommandSpec {
  return {
    states: AUTHENTICATED,
    async run(c, { tag, args }) {
      const name = folderName(args[0]);
      // A failed SELECT leaves no folder selected (RFC 3501 §6.3.1).
      c.select(null);
      const found = await c.ctx.mail.folderWithIndex(c.user!.id, name);
      if (!found) return c.tagged(tag, 'NO', TEXTS.mailboxNotFound.text);
      const selected = new SelectedFolder(found.folder, verb === 'EXAMINE', found.messages);
      c.select(selected);
      const firstUnseen = selected.flags.findIndex((f) => !f.includes('\\Seen'));
      const flags = `(${SYSTEM_FLAGS.join(' ')})`;
      c.untagged(`${selected.exists} EXISTS`);
      c.untagged('0 RECENT');
      c.untagged(`FLAGS ${flags}`);
      c.untagged(`OK [PERMANENTFLAGS ${verb === 'EXAMINE' ? '()' : flags}] Permanent flags`);
      if (firstUnseen >= 0) c.untagged(`OK [UNSEEN ${firstUnseen + 1}] Is the first unseen message`);
      c.untagged(`OK [UIDVALIDITY ${selected.uidValidity}] UIDVALIDITY value`);
      c.untagged(`OK [UIDNEXT ${selected.uidNext}] The next unique identifier value`);
      c.tagged(tag, 'OK', `[${verb === 'EXAMINE' ? 'READ-ONLY' : 'READ-WRITE'}] ${completed(verb)}`);
    },
  };
}

/** CLOSE expunges silently (unless read-only); UNSELECT does not (RFC 3691). */
function closeCommand(verb: 'CLOSE' | 'UNSELECT'): CommandSpec {
  return {
    states: SELECTED,
    async run(c, { tag }) {
      const selected = c.selected!;
      if (verb === 'CLOSE' && !selected.readOnly) await c.ctx.mail.expunge(selected.folderId, { onlyDeleted: true, origin: c });
      c.select(null);
      c.tagged(tag, 'OK', completed(verb));
    },
  };
}

export const FOLDER_COMMANDS: readonly [string, CommandSpec][] = [
  ['LIST', listCommand('LIST')],
  ['LSUB', listCommand('LSUB')],
  ['CREATE', CREATE],
  ['DELETE', DELETE],
  ['RENAME', RENAME],
  ['SUBSCRIBE', subscribeCommand('SUBSCRIBE')],
  ['UNSUBSCRIBE', subscribeCommand('UNSUBSCRIBE')],
  ['STATUS', STATUS],
  ['SELECT', selectCommand('SELECT')],
  ['EXAMINE', selectCommand('EXAMINE')],
  ['CLOSE', closeCommand('CLOSE')],
  ['UNSELECT', closeCommand('UNSELECT')],
];
