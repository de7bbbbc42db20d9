// The server under test for the Graph paging benchmark: a gateway (data folder, as `exogate
// start` runs) whose `bench` tenant holds `count` synthetic sign-in records, seeded in bulk, and
// a Graph app that may read them. Prints "READY <json>" and runs until SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../gateway.js';
import { BENCH_SEED } from './seed.js';
import { BENCH_GRAPH_APP } from './signins.js';
import { seedSignIns } from './signins-seed.js';

const GRAPH_APP_FRAGMENT = `
tenants:
  - name: bench
    apps:
      - clientId: ${BENCH_GRAPH_APP.clientId}
        displayName: Bench Graph App
        secret: "${BENCH_GRAPH_APP.secret}"
        application: [AuditLog.Read.All]
`;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'exogate-bench-signins-'));
  const gateway = await startGateway({ dataDir, seed: BENCH_SEED, demo: false, ports: {}, limits: { passwordHashCost: 12 } });
  await gateway.seed(GRAPH_APP_FRAGMENT);
  const tenantId = gateway.core.directory.tenant('bench')!.id;
  const started = performance.now();
  await seedSignIns(gateway.core.store, { tenantId, domain: 'bench.test', count, newest: gateway.clock.now().getTime() - 60_000, stepMs: 100, perInstant: 2, users: 1000 });
  const seedSeconds = (performance.now() - started) / 1000;
  console.log(`READY ${JSON.stringify({ https: gateway.ports.https, caCert: gateway.caCert, controlToken: gateway.controlToken, count, seedSeconds })}`);
  process.on('SIGTERM', async () => {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
