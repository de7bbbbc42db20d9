// What `exogate` says without a gateway: its help (one port flag per listener key of
// DESIGN.md's endpoints.json), refusals of bad arguments, and client commands with no gateway.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LISTENERS, PORT_FLAGS, run, tempDir } from './cli.js';

t.test('exogate start --help lists one port flag per listener and the other options of the contract', async (t) => {
  const res = await run(['start', '--help']);
  t.equal(res.code, 0);
  for (const key of LISTENERS) t.match(res.stdout, new RegExp(`--${key}-port <n>`), `--${key}-port`);
  const portFlags = res.stdout.match(/--[a-z0-9]+-port\b/g) ?? [];
  t.same([...new Set(portFlags)].sort(), LISTENERS.map((k) => `--${k}-port`).sort(), 'and no other port flag');
  for (const option of ['--data <dir>', '--seed <file>', '--host <addr>', '--database-url <url>']) t.match(res.stdout, option, option);
  t.match(res.stdout, /0 = any free port/, 'says what port 0 means');
});

t.test('exogate --help lists the commands', async (t) => {
  const res = await run(['--help']);
  t.equal(res.code, 0);
  for (const command of ['start', 'token', 'clock', 'seed']) t.match(res.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), command);
});

t.test('a port that is not one is refused before anything is written', async (t) => {
  const data = join(tempDir(t), 'data');
  for (const bad of ['70000', '-1', 'http']) {
    const res = await run(['start', '--data', data, ...PORT_FLAGS, '--smtp-port', bad]);
    t.not(res.code, 0, `--smtp-port ${bad}: exit code ${res.code}`);
    t.match(res.stderr, /--smtp-port/, 'names the option');
    t.notOk(existsSync(data), 'no data folder');
  }
});

t.test('client commands with no gateway running say so', async (t) => {
  const data = tempDir(t);
  for (const args of [['clock'], ['token', '--client-id', '00000000-0000-0000-0000-0000000000a1', '--client-secret', 'x'], ['seed', join(data, 'any.yaml')]]) {
    const res = await run([...args, '--data', data]);
    t.not(res.code, 0, `${args[0]}: exit code ${res.code}`);
    t.match(res.stderr, /no running exogate found: .*endpoints\.json does not exist/, `${args[0]}: says how to find one`);
  }
});
