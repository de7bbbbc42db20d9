// Scripted transcripts in the style of Apache James: `C:` lines are sent as written, `S:`
// lines must come back byte for byte, except for placeholders that stand for what changes
// from run to run (the front end's name, the date, ids). `> starttls` upgrades the
// connection; `> closed` expects the server to hang up.
import { readFileSync } from 'node:fs';
import { SmtpWire } from './smtp-wire.js';

const PLACEHOLDERS: Record<string, string> = {
  bannerHost: '[A-Z]{2}\\d[A-Z0-9]+CA\\d{4}\\.outlook\\.office365\\.com',
  backend: '[A-Z]{2}\\d[A-Z0-9]+MB\\d{4}\\.[a-z]{3}prd\\d{2}\\.prod\\.outlook\\.com',
  date: '(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000',
  id: '[0-9A-F]{16}',
  suffix: '\\[[A-Z]{2}\\d[A-Z0-9]+CA\\d{4}\\.[a-z]{3}prd\\d{2}\\.prod\\.outlook\\.com \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z [0-9A-F]{16}\\]',
  any: '.*',
};

export function linePattern(expected: string): RegExp {
  const source = expected
    .split(/(\{\w+\})/)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (m && PLACEHOLDERS[m[1]]) return PLACEHOLDERS[m[1]];
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

export interface TranscriptResult {
  ok: boolean;
  /** Where it went wrong: expected vs actual, with the line number in the file. */
  failure?: string;
}

export async function runTranscript(file: string, port: number, ca: string): Promise<TranscriptResult> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const wire = await SmtpWire.open(port);
  const pendingReplies: string[] = [];
  let sent: string[] = [];
  try {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!line || line.startsWith('#')) continue;
      if (line.startsWith('C:')) {
        sent.push(line.slice(3));
        continue;
      }
      if (sent.length) {
        wire.write(`${sent.join('\r\n')}\r\n`);
        sent = [];
      }
      if (line.startsWith('S:')) {
        if (!pendingReplies.length) pendingReplies.push(...(await wire.reply()).split('\r\n'));
        const actual = pendingReplies.shift()!;
        const expected = line.slice(3);
        if (!linePattern(expected).test(actual)) return { ok: false, failure: `${file}:${i + 1}\n  expected: ${expected}\n  actual:   ${actual}` };
      } else if (line === '> starttls') {
        await wire.starttls(ca);
      } else if (line === '> closed') {
        if (!(await wire.closedByServer())) return { ok: false, failure: `${file}:${i + 1}: the server kept the connection open` };
      } else {
        throw new Error(`${file}:${i + 1}: cannot read "${line}"`);
      }
    }
    if (pendingReplies.length) return { ok: false, failure: `${file}: unexpected extra reply lines: ${pendingReplies.join(' | ')}` };
    return { ok: true };
  } finally {
    wire.end();
  }
}
