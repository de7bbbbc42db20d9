// `exogate start`: boots a gateway, prints where everything is, and shuts down cleanly on
// Ctrl-C / SIGTERM (listeners closed, pending sign-in records flushed, clock saved).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ListenerKey } from '../core/config.js';
import { DEMO_SEED_PATH, startGateway } from '../gateway.js';

export interface StartOptions {
  data: string;
  seed?: string;
  host: string;
  databaseUrl?: string;
  clock?: string;
  demo: boolean;
  logLevel: string;
  ports: Record<ListenerKey, number>;
}

const LISTENER_LABELS: Record<ListenerKey, string> = {
  imap: 'IMAP (STARTTLS)',
  imaps: 'IMAP (TLS)',
  pop3: 'POP3 (STLS)',
  pop3s: 'POP3 (TLS)',
  smtp: 'SMTP submission (STARTTLS, like smtp.office365.com:587)',
  smtps: 'SMTP submission (implicit TLS)',
  https: 'HTTPS (identity platform, control API; EWS & co. to come)',
};

/** The demo seed's accounts, for the demo tenants the store holds (matched by their fixed ids). */
function demoAccounts(hasTenant: (id: string) => boolean): string[] {
  const seed = parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as { tenants: { id?: string; users?: { upn: string; password?: string; appPasswords?: string[]; displayName?: string }[] }[] };
  const lines: string[] = [];
  for (const t of seed.tenants) {
    if (!t.id || !hasTenant(t.id)) continue;
    for (const u of t.users ?? []) {
      const secret = u.appPasswords?.length ? `${u.password}  (app password ${u.appPasswords[0]})` : (u.password ?? '');
      lines.push(`  ${u.upn.padEnd(28)} ${secret.padEnd(48)} ${u.displayName ?? ''}`);
    }
  }
  return lines;
}

export async function runStart(o: StartOptions): Promise<void> {
  const dataDir = resolve(o.data);
  // The demo seed belongs to a new data folder only ("demo tenant seeded on first run"). Left to
  // startGateway, it is applied to an existing store too: a folder made with --seed then either
  // fails to restart without --seed (the demo's tenant ids clash) or silently gains the demo
  // tenants and their passwords. (startGateway should itself seed the demo only when the store is
  // new; with --database-url the CLI cannot tell, so that case still needs the fix there.)
  const newFolder = !o.databaseUrl && !existsSync(join(dataDir, 'db'));
  const gateway = await startGateway({
    dataDir,
    databaseUrl: o.databaseUrl,
    seedFile: o.seed,
    demo: o.demo && (newFolder || !!o.databaseUrl),
    host: o.host,
    clock: o.clock,
    ports: o.ports,
    logLevel: o.logLevel as 'info',
    logFile: join(dataDir, 'exogate.log'),
  });
  const out: string[] = [`exogate is running — data in ${dataDir} (store: ${gateway.core.store.kind})`, ''];
  for (const [key, port] of Object.entries(gateway.ports) as [ListenerKey, number | null][]) {
    if (port) out.push(`  ${key.padEnd(6)} ${`${gateway.host}:${port}`.padEnd(22)} ${LISTENER_LABELS[key]}`);
  }
  out.push(
    '',
    `  CA certificate  ${gateway.caCertPath}   (e.g. curl --cacert, NODE_EXTRA_CA_CERTS, or trust it system-wide)`,
    `  Token endpoint  ${gateway.httpsUrl}/{tenant}/oauth2/v2.0/token`,
    `  Control API     ${gateway.httpsUrl}/_exogate  (Authorization: Bearer ${gateway.controlToken})`,
    `  Endpoints       ${join(dataDir, 'endpoints.json')}`,
    `  Emulated clock  ${gateway.clock.now().toISOString()}`,
    `  Log             ${join(dataDir, 'exogate.log')}`,
  );
  const accounts = o.demo ? demoAccounts((id) => gateway.core.directory.tenant(id)?.id === id.toLowerCase()) : [];
  if (accounts.length) out.push('', 'Demo accounts (seeds/demo.yaml; the README says what each one shows):', ...accounts);
  out.push('', 'Press Ctrl-C to stop.');
  console.log(out.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      process.stderr.write('exogate: forced exit\n');
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`exogate: ${signal}, shutting down...\n`);
    try {
      await gateway.close();
    } catch (error) {
      // Said plainly and with a failing exit code, rather than as an unhandled rejection.
      process.stderr.write(`exogate: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
    process.stderr.write('exogate: stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
