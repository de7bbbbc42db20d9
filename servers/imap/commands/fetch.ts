// FETCH and UID FETCH (RFC 3501 §6.4.5): FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE,
// BODYSTRUCTURE, BODY, BODY[section]<partial>, BODY.PEEK[...], RFC822, RFC822.HEADER,
// RFC822.TEXT and the macros. Structure comes from what delivery parsed once; bytes are read
// from the store in batches so a FETCH 1:* of a large folder stays bounded in memory.
import { extractSection, parseSection, renderBodyStructure, renderEnvelope, type SectionSpec } from '../../../core/mail/mime.js';
import type { ImapConnection } from '../connection.js';
import { flagList, internalDate } from '../format.js';
import { ArgumentError, atomArg, type Token } from '../parser.js';
import { completed, TEXTS } from '../replies.js';

/** Messages whose bytes are held at once during a FETCH. */
const FETCH_BATCH = 50;

interface BodyItem {
  kind: 'body';
  /** What the response calls it: BODY[...] (PEEK dropped), or RFC822 / RFC822.HEADER / RFC822.TEXT. */
  label: string;
  section: SectionSpec;
  peek: boolean;
  partial: { start: number; length: number } | null;
}

type Item = { kind: 'simple'; name: 'FLAGS' | 'UID' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' } | BodyItem;

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const SIMPLE = new Set(['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY']);

function parseItem(text: string): Item {
  const upper = text.toUpperCase();
  if (SIMPLE.has(upper)) return { kind: 'simple', name: upper as 'FLAGS' };
  if (upper === 'RFC822') return { kind: 'body', label: 'RFC822', section: parseSection('')!, peek: false, partial: null };
  if (upper === 'RFC822.HEADER') return { kind: 'body', label: 'RFC822.HEADER', section: parseSection('HEADER')!, peek: true, partial: null };
  if (upper === 'RFC822.TEXT') return { kind: 'body', label: 'RFC822.TEXT', section: parseSection('TEXT')!, peek: false, partial: null };
  const m = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$/i.exec(text);
  if (!m) throw new ArgumentError(`unknown FETCH item ${text}`);
  const section = parseSection(m[2]);
  if (!section) throw new ArgumentError(`bad section ${m[2]}`);
  return {
    kind: 'body',
    label: `BODY[${m[2]}]`,
    section,
    peek: !!m[1],
    partial: m[3] !== undefined ? { start: Number(m[3]), length: Number(m[4]) } : null,
  };
}

function parseFetchItems(token: Token | undefined): Item[] {
  if (!token) throw new ArgumentError('FETCH items missing');
  const words = token.kind === 'list' ? token.items.map((t) => atomArg(t)) : [atomArg(token)];
  const expanded = words.length === 1 && MACROS[words[0].toUpperCase()] ? MACROS[words[0].toUpperCase()] : words;
  if (!expanded.length) throw new ArgumentError('no FETCH items');
  return expanded.map(parseItem);
}

export async function fetch(c: ImapConnection, tag: string, args: Token[], byUid: boolean): Promise<void> {
  const selected = c.selected!;
  const seqs = selected.resolve(atomArg(args[0]), byUid);
  if (!seqs) return c.tagged(tag, 'BAD', TEXTS.badMessageSet.text);
  const items = parseFetchItems(args[1]);
  if (args.length !== 2) throw new ArgumentError('FETCH takes two arguments');
  // UID FETCH always answers with UIDs (RFC 3501 §6.4.8).
  if (byUid && !items.some((i) => i.kind === 'simple' && i.name === 'UID')) items.unshift({ kind: 'simple', name: 'UID' });
  const needsContent = items.some((i) => i.kind === 'body' || i.name === 'ENVELOPE' || i.name === 'BODYSTRUCTURE' || i.name === 'BODY');
  const setsSeen = !selected.readOnly && items.some((i) => i.kind === 'body' && !i.peek);

  for (let start = 0; start < seqs.length; start += FETCH_BATCH) {
    const batch = seqs.slice(start, start + FETCH_BATCH);
    const uids = batch.map((s) => selected.uids[s - 1]);
    const contents = needsContent ? await c.ctx.mail.contents(selected.folderId, uids) : null;
    if (setsSeen) {
      const unseen = uids.filter((uid) => !selected.flags[selected.seqOf(uid) - 1]?.includes('\\Seen'));
      if (unseen.length) {
        const changed = await c.ctx.mail.setFlags(selected.folderId, unseen, 'add', ['\\Seen'], c);
        for (const [uid, flags] of changed) {
          const seq = selected.seqOf(uid);
          if (seq) selected.flags[seq - 1] = flags;
        }
      }
    }
    for (const seq of batch) {
      const uid = selected.uids[seq - 1];
      if (uid === undefined) continue;
      const content = contents?.get(uid);
      if (needsContent && !content) continue; // expunged by another session meanwhile
      const parts: (string | Buffer)[] = [];
      const flagsShown = items.some((i) => i.kind === 'simple' && i.name === 'FLAGS');
      for (const item of items) {
        if (item.kind === 'simple') {
          switch (item.name) {
            case 'FLAGS':
              parts.push(`FLAGS ${flagList(selected.flags[seq - 1])}`);
              break;
            case 'UID':
              parts.push(`UID ${uid}`);
              break;
            case 'INTERNALDATE':
              parts.push(`INTERNALDATE ${internalDate(selected.dates[seq - 1])}`);
              break;
            case 'RFC822.SIZE':
              parts.push(`RFC822.SIZE ${selected.sizes[seq - 1]}`);
              break;
            case 'ENVELOPE':
              parts.push(`ENVELOPE ${renderEnvelope(content!.structure)}`);
              break;
            case 'BODYSTRUCTURE':
              parts.push(`BODYSTRUCTURE ${renderBodyStructure(content!.structure, true)}`);
              break;
            case 'BODY':
              parts.push(`BODY ${renderBodyStructure(content!.structure, false)}`);
              break;
          }
        } else {
          let bytes = extractSection(content!.body, content!.structure, item.section);
          let label = item.label;
          if (item.partial) {
            bytes = bytes.subarray(item.partial.start, item.partial.start + item.partial.length);
            label += `<${item.partial.start}>`;
          }
          parts.push(`${label} `, literal(bytes));
        }
      }
      // A FETCH that set \Seen tells the client the new flags (RFC 3501 §6.4.5).
      if (setsSeen && !flagsShown) parts.push(`FLAGS ${flagList(selected.flags[seq - 1])}`);
      c.write(Buffer.concat([Buffer.from(`* ${seq} FETCH (`), ...joinParts(parts), Buffer.from(')\r\n')]));
    }
  }
  await c.beforeCompletion(byUid ? 'UID FETCH' : 'FETCH');
  c.tagged(tag, 'OK', completed('FETCH'));
}

/**
 * Body sections are always literals, as servers send them whatever the bytes. IMAP4rev1
 * literals cannot carry NUL; like Dovecot, exogate sends 0x80 in its place.
 */
function literal(bytes: Buffer): Buffer {
  const safe = bytes.includes(0) ? Buffer.from(bytes.map((b) => (b === 0 ? 0x80 : b))) : bytes;
  return Buffer.concat([Buffer.from(`{${safe.length}}\r\n`), safe]);
}

/** Items are separated by spaces; a label and its value ("BODY[] " + literal) are one item. */
function joinParts(parts: (string | Buffer)[]): Buffer[] {
  const out: Buffer[] = [];
  parts.forEach((part, i) => {
    const labelThenValue = typeof parts[i - 1] === 'string' && (parts[i - 1] as string).endsWith(' ') && Buffer.isBuffer(part);
    if (i > 0 && !labelThenValue) out.push(Buffer.from(' '));
    out.push(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
  });
  return out;
}
