// Runs every golden transcript under test/transcripts/smtp/ against one gateway.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { linePattern, runTranscript } from '../helpers/transcript.js';

const DIR = fileURLToPath(new URL('../../../test/transcripts/smtp/', import.meta.url));

t.test('placeholders match only what they stand for', async (t) => {
  t.ok(linePattern('250 {bannerHost} Hello [127.0.0.1]').test('250 BL1P221CA0016.outlook.office365.com Hello [127.0.0.1]'));
  t.notOk(linePattern('250 {bannerHost} Hello [127.0.0.1]').test('250 exogate Hello [127.0.0.1]'));
  t.ok(linePattern('S {suffix}').test('S [BN9PR03CA0451.namprd03.prod.outlook.com 2025-01-26T18:54:30.055Z 08DD3DD7D75D7743]'));
  t.notOk(linePattern('a.c').test('abc'), 'the rest is literal');
});

t.test('golden SMTP transcripts (2025: the bracket with time and id)', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2025-11-23T11:12:20Z' });
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
  t.ok(files.length >= 6, 'the transcripts are found');
  for (const file of files) {
    const result = await runTranscript(`${DIR}${file}`, gw.ports.smtp, gw.caCert);
    t.ok(result.ok, file, { failure: result.failure });
    if (!result.ok) t.comment(result.failure ?? '');
  }
});
