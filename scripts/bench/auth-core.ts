// In-process decisions per second of the auth core on one thread, warm caches (the hot path
// reads memory only). `node auth-core.js <kind>` measures one kind of attempt in a fresh
// process (so the JIT has seen only it), `mix` all six interleaved, `ingest` the sign-in
// records written per second. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAttempt, oauthAttempt, type AuthAttempt } from '../../core/auth/attempt.js';
import type { Gateway } from '../../gateway.js';
import { startGateway } from '../../gateway.js';
import { BENCH_SEED, benchUser } from './seed.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function main(): Promise<void> {
  // A data folder, as `exogate start` runs: PGlite's in-memory filesystem slows down as it grows.
  const dataDir = mkdtempSync(join(tmpdir(), 'exogate-bench-'));
  const gw = await startGateway({ dataDir, seed: BENCH_SEED, demo: false, limits: { passwordHashCost: 12 } });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: '00000000-0000-0000-0000-00000000be01',
    client_secret: 'bench-secret',
    scope: 'https://outlook.office365.com/.default',
  });
  const tokenResult = await gw.core.identity.token('bench.test', Object.fromEntries(form), { ip: '127.0.0.1' });
  const appToken = (tokenResult.body as { access_token: string }).access_token;
  const user = await gw.core.identity.token(
    'bench.test',
    { grant_type: 'password', client_id: '00000000-0000-0000-0000-00000000be01', client_secret: 'bench-secret', username: 'user1@bench.test', password: 'Bench-Passw0rd!', scope: 'https://outlook.office.com/SMTP.Send' },
    { ip: '127.0.0.1' },
  );
  const userToken = (user.body as { access_token: string }).access_token;

  const conn = { clientIp: '127.0.0.1', tls: true };
  const kinds: Record<string, (n: number) => AuthAttempt> = {
    'basic accepted': (n) => basicAttempt('imap', benchUser(n), 'Bench-Passw0rd!', conn),
    'basic wrong password': (n) => basicAttempt('imap', benchUser(n), 'wrong', conn),
    'basic blocked by policy': (n) => basicAttempt('smtp', benchUser(n, 'policy.test', 100), 'Bench-Passw0rd!', conn),
    'basic blocked by Microsoft': (n) => basicAttempt('imap', benchUser(n, 'off.test', 100), 'Bench-Passw0rd!', conn),
    'oauth accepted (user token)': () => oauthAttempt('smtp', 'user1@bench.test', userToken, conn),
    'oauth refused (app-only, no permission)': (n) => oauthAttempt('imap', benchUser(n), appToken, conn),
  };
  const list = Object.values(kinds);
  kinds['mix of all six'] = (n) => list[n % list.length](Math.floor(n / list.length));

  // Warm-up: every user's secret verified once (scrypt), every token verified once.
  for (const make of list) for (let n = 0; n < 1000; n++) await gw.core.auth.decide(make(n));

  const which = process.argv[2] ?? 'mix';
  if (which === 'ingest') return ingest(gw, dataDir, kinds['basic wrong password']);
  const name = which === 'mix' ? 'mix of all six' : which;
  const make = kinds[name];
  if (!make) throw new Error(`unknown kind "${which}"; one of: ${Object.keys(kinds).join(', ')}, ingest`);
  const outcome = (await gw.core.auth.decide(make(0))).outcome;
  const measure = async () => {
    // Each measurement starts with the store caught up.
    await gw.flush();
    let n = 0;
    const end = performance.now() + SECONDS * 1000;
    const start = performance.now();
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++) await gw.core.auth.decide(make(n++));
      // A server's hot path interleaves with I/O; so does this loop, or the sign-in writer's
      // flushes (answered by the store's thread as I/O) would never complete during the run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return Math.round(n / ((performance.now() - start) / 1000));
  };
  // The core alone: every record is built, then handed to a sink that only counts it.
  const writer = gw.core.signIns;
  const record = writer.record.bind(writer);
  let sunk = 0;
  writer.record = () => void sunk++;
  const core = await measure();
  writer.record = record;
  // With the writer and the embedded store: records queue faster than the store ingests them,
  // so this also pays for holding the backlog (garbage collection).
  const withStore = await measure();
  await gw.flush();
  console.log(JSON.stringify({ kind: name, decisionsPerSecond: core, withStore, recordsBuilt: sunk, outcome: which === 'mix' ? 'mixed' : outcome, signIns: writer.stats }));
  await gw.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** Sign-in records ingested per second: a burst decided and queued, then flushed; none may be lost. */
async function ingest(gw: Gateway, dataDir: string, make: (n: number) => AuthAttempt): Promise<void> {
  await gw.flush();
  const before = await countSignIns(gw);
  const burst = 200_000;
  const started = performance.now();
  for (let n = 0; n < burst; n++) {
    await gw.core.auth.decide(make(n));
    if (n % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await gw.flush();
  const finished = performance.now();
  const written = (await countSignIns(gw)) - before;
  console.log(JSON.stringify({ kind: 'ingest', records: burst, written, lost: burst - written, recordsPerSecond: Math.round(written / ((finished - started) / 1000)) }));
  await gw.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function countSignIns(gw: Gateway): Promise<number> {
  return (await gw.core.store.query<{ n: number }>('select count(*)::int as n from signins'))[0].n;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
