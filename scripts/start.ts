// `exogate start`: boots a gateway, prints where everything is, and shuts down cleanly on
// Ctrl-C / SIGTERM (listeners closed, pending sign-in records flushed, clock saved).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Limits, ListenerKey } from '../core/config.js';
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
  limits?: Record<string, unknown>;
}

const LISTENER_LABELS: Record<ListenerKey, string> = {
  imap: 'IMAP (STARTTLS, like outlook.office365.com:143)',
  imaps: 'IMAP (TLS, like outlook.office365.com:993)',
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
  const gateway = await startGateway({
    dataDir,
    databaseUrl: o.databaseUrl,
    seedFile: o.seed,
    demo: o.demo,
    host: o.host,
    clock: o.clock,
    ports: o.ports,
    logLevel: o.logLevel as 'info',
    limits: o.limits as Partial<Limits>,
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

  // One Ctrl-C can arrive twice: the terminal signals the whole foreground group, and `npm start`
  // forwards the signal to its child as well (when the shell execs node, that child is us). A
  // repeat within REPEAT_MS is that same Ctrl-C and must not turn a clean stop into a forced exit
  // that skips the flush; a later one is the user insisting.
  const REPEAT_MS = 1000;
  let stoppingSince: number | null = null;
  const stop = async (signal: string) => {
    if (stoppingSince !== null) {
      if (Date.now() - stoppingSince < REPEAT_MS) return;
      process.stderr.write('exogate: forced exit\n');
      process.exit(1);
    }
    stoppingSince = Date.now();
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
