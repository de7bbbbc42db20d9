// In-process decisions per second of the auth core, one core, warm caches (the hot path reads
// memory only). Each kind of attempt is measured alone, then a mix; prints JSON.
import type { AuthAttempt } from '../../core/auth/attempt.js';
import { startGateway } from '../../gateway.js';
import { BENCH_SEED, benchUser } from './seed.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function main(): Promise<void> {
  const gw = await startGateway({ seed: BENCH_SEED, demo: false, limits: { passwordHashCost: 12 } });
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

  const base = { clientIp: '127.0.0.1', tls: true } as const;
  const kinds: Record<string, (n: number) => AuthAttempt> = {
    'basic accepted': (n) => ({ ...base, protocol: 'imap', kind: 'basic', username: benchUser(n), secret: 'Bench-Passw0rd!' }),
    'basic wrong password': (n) => ({ ...base, protocol: 'imap', kind: 'basic', username: benchUser(n), secret: 'wrong' }),
    'basic blocked by policy': (n) => ({ ...base, protocol: 'smtp', kind: 'basic', username: benchUser(n, 'policy.test', 100), secret: 'Bench-Passw0rd!' }),
    'basic blocked by Microsoft': (n) => ({ ...base, protocol: 'imap', kind: 'basic', username: benchUser(n, 'off.test', 100), secret: 'Bench-Passw0rd!' }),
    'oauth accepted (user token)': () => ({ ...base, protocol: 'smtp', kind: 'oauth', username: 'user1@bench.test', token: userToken }),
    'oauth refused (app-only, no permission)': (n) => ({ ...base, protocol: 'imap', kind: 'oauth', username: benchUser(n), token: appToken }),
  };
  const list = Object.values(kinds);
  kinds['mix of all six'] = (n) => list[n % list.length](Math.floor(n / list.length));

  // Warm-up: every user's secret verified once (scrypt), every token verified once.
  for (const make of list) for (let n = 0; n < 1000; n++) await gw.core.auth.decide(make(n));

  const results: Record<string, { decisionsPerSecond: number; outcome: string }> = {};
  for (const [name, make] of Object.entries(kinds)) {
    const outcome = (await gw.core.auth.decide(make(0))).outcome;
    let n = 0;
    const end = performance.now() + SECONDS * 1000;
    const start = performance.now();
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++) await gw.core.auth.decide(make(n++));
    }
    results[name] = { decisionsPerSecond: Math.round(n / ((performance.now() - start) / 1000)), outcome: name.startsWith('mix') ? 'mixed' : outcome };
  }
  const stats = gw.core.signIns.stats;
  await gw.close();
  console.log(JSON.stringify({ results, signIns: stats }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
