// startGateway(): the composition root. It opens the store, loads the directory into memory,
// seeds it, makes the certificates, starts every listener and returns the endpoints and a
// control handle (DESIGN.md "Interfaces", "Contracts"). The CLI's `exogate start` and every
// wire test boot gateways through it.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createSecureContext } from 'node:tls';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { loadOrCreateCertificates } from './certs/ca.js';
import { AuthCore } from './core/auth/core.js';
import { Lockout } from './core/auth/lockout.js';
import { Clock, toMillis, type ClockState } from './core/clock.js';
import { DEFAULT_PORTS, LISTENER_KEYS, resolveLimits, type Limits, type ListenerKey } from './core/config.js';
import { Control, getMeta, setMeta } from './core/control.js';
import { FrontEnds } from './core/frontends.js';
import { IdentityPlatform } from './core/identity/platform.js';
import { Programme } from './core/programme/programme.js';
import { TokenService } from './core/identity/tokens.js';
import { MailStore } from './core/mail/store.js';
import { SignInWriter } from './core/signins/writer.js';
import { openStore, type Store } from './core/store/open.js';
import { Directory } from './core/tenants/directory.js';
import { SecretVerifier } from './core/tenants/passwords.js';
import { checkSeed } from './core/tenants/seed.js';
import { parseSeed, type ParsedSeed } from './core/tenants/seed-schema.js';
import type { SeedSummary } from './core/tenants/seed.js';
import { startHttpsListener } from './servers/http/app.js';
import type { ImapContext } from './servers/imap/context.js';
import { startImapListener } from './servers/imap/server.js';
import { FolderWatchers } from './servers/imap/watchers.js';
import type { Pop3Context } from './servers/pop3/context.js';
import { startPop3Listener } from './servers/pop3/server.js';
import { startSmtpListener } from './servers/smtp/server.js';
import { Counter } from './servers/wire/counter.js';

/** Belt and braces: no secret reaches a log line even if a caller logs a request. */
const REDACT = ['password', 'secret', 'token', 'accessToken', 'authorization', '*.password', '*.secret', '*.token', '*.authorization', 'req.headers.authorization'];

export const DEMO_SEED_PATH = fileURLToPath(new URL('../seeds/demo.yaml', import.meta.url));

export interface GatewayOptions {
  /** Address every listener binds (default 127.0.0.1). */
  host?: string;
  /** Port per listener; 0 (the library's default) picks a free one. */
  ports?: Partial<Record<ListenerKey, number>>;
  /** Keep the store, certificates and endpoints.json here; omitted: everything in memory. */
  dataDir?: string;
  /** A PostgreSQL server instead of embedded PGlite. */
  databaseUrl?: string;
  /** Seed as YAML text or an object; applied to a new store (default: the demo seed) and, changed, on later starts. */
  seed?: string | object;
  /** A seed file; like `seed`, errors name the file. */
  seedFile?: string;
  /** Seed the demo tenant when the store is new and no seed is given (default true). */
  demo?: boolean;
  /** Start the emulated clock here (a new store only; later starts resume the saved clock). */
  clock?: string | number | Date;
  /** Freeze the clock (tests that compare timestamps). */
  freezeClock?: boolean;
  limits?: Partial<Limits>;
  logger?: Logger;
  /** Used when no logger is given (default "silent"). */
  logLevel?: pino.LevelWithSilent;
  /** Write the log (JSON lines) to this file, created once the seed has been checked. */
  logFile?: string;
  controlToken?: string;
}

export interface Endpoints {
  host: string;
  ports: Record<ListenerKey, number>;
  caCert: string | null;
  controlToken: string;
}

export interface Gateway {
  readonly host: string;
  readonly ports: Record<ListenerKey, number>;
  /** The endpoints.json contents. */
  readonly endpoints: Endpoints;
  /** PEM of the certificate authority to trust. */
  readonly caCert: string;
  readonly caCertPath: string | null;
  readonly controlToken: string;
  readonly dataDir: string | null;
  /** Base URL of the HTTPS listener. */
  readonly httpsUrl: string;
  readonly clock: {
    now(): Date;
    set(to: string | number | Date): Promise<Date>;
    advance(by: string | number): Promise<Date>;
  };
  /** Apply a seed fragment; its settings take effect at `effectiveAt` (default: now). */
  /** Applies a seed fragment; `reset` first puts the tenants it names back to a new organization's settings and programme state. */
  seed(fragment: string | object, options?: { effectiveAt?: string | number; reset?: boolean }): Promise<SeedSummary>;
  /** Write pending sign-in records and usage counters now. */
  flush(): Promise<void>;
  /** The gateway's internals, for tests and embedding (not a stable contract). */
  readonly core: GatewayCore;
  close(): Promise<void>;
}

export interface GatewayCore {
  store: Store;
  directory: Directory;
  auth: AuthCore;
  identity: IdentityPlatform;
  tokens: TokenService;
  mail: MailStore;
  signIns: SignInWriter;
  lockout: Lockout;
  control: Control;
  programme: Programme;
  limits: Limits;
  log: Logger;
}

function readSeedSource(options: GatewayOptions): { text: string | object; origin: string } | null {
  if (options.seedFile) {
    const path = resolve(options.seedFile);
    if (!existsSync(path)) throw new Error(`seed file not found: ${path}`);
    return { text: readFileSync(path, 'utf8'), origin: path };
  }
  if (options.seed !== undefined) return { text: options.seed, origin: 'seed' };
  return null;
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const limits = resolveLimits(options.limits);
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  const freshFolder = !!dataDir && !existsSync(join(dataDir, 'db')) && !options.databaseUrl;

  // Everything a seed can get wrong is found before anything is written (a broken seed leaves
  // no data folder behind). Seeds for an existing store are checked again once it is loaded.
  const given = readSeedSource(options);
  const parsedGiven: ParsedSeed | null = given ? parseSeed(given.text, given.origin) : null;
  if (parsedGiven && (freshFolder || !dataDir) && !options.databaseUrl) checkSeed(parsedGiven, await Directory.empty());

  const createdDir = !!dataDir && !existsSync(dataDir);
  let store: Store | undefined;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const log = options.logger ?? (await createLogger(options));
    store = await openStore({ dataDir: dataDir ?? undefined, databaseUrl: options.databaseUrl });
    const sql = store;
    const fresh = !(await getMeta<boolean>(sql, 'initialized'));

    const savedClock = await getMeta<ClockState>(sql, 'clock');
    const clock = new Clock(fresh ? undefined : savedClock);
    if (fresh && options.clock !== undefined) await clock.set(toMillis(options.clock));
    if (options.freezeClock) clock.freeze();

    const directory = await Directory.load(sql);
    const tokens = await TokenService.load(sql, limits.tokenCacheSize);
    const secrets = new SecretVerifier(limits.verifiedSecretCacheSize);
    const lockout = new Lockout(limits.lockoutThreshold, limits.lockoutDurationSec * 1000);
    const signIns = new SignInWriter(sql, limits, log);
    const mail = new MailStore(sql, limits.mailIndexCacheFolders);
    const auth = new AuthCore({ clock, directory, tokens, secrets, lockout, signIns });
    const identity = new IdentityPlatform({ clock, directory, tokens, secrets, lockout, signIns, sql, limits });
    const programme = new Programme({ sql, clock, directory, signIns, limits, log });
    const control = new Control({ sql, clock, directory, mail, signIns, limits, programme });

    // The demo tenants belong to a new store only; an existing one keeps what it has.
    const source = given ?? (fresh && (options.demo ?? true) ? { text: readFileSync(DEMO_SEED_PATH, 'utf8'), origin: DEMO_SEED_PATH } : null);
    if (source) {
      const seedText = typeof source.text === 'string' ? source.text : JSON.stringify(source.text);
      // A seed's own `clock:` applies only to a new store, and only when startGateway was not given one.
      const summary = await control.seedOnce(seedText, source.origin, fresh);
      if (summary) log.info({ seed: source.origin, ...summary }, 'seed applied');
      if (fresh && options.clock !== undefined) await clock.set(toMillis(options.clock));
    }
    const controlToken = options.controlToken ?? (await getMeta<string>(sql, 'controlToken')) ?? randomBytes(24).toString('base64url');
    if (fresh) {
      await setMeta(sql, 'controlToken', controlToken);
      await setMeta(sql, 'initialized', true);
      await control.saveClock();
    }

    // After the seed: the job's first run judges the tenants the seed made.
    await programme.start();

    const certs = loadOrCreateCertificates(dataDir ?? undefined, [host]);
    const frontEnds = new FrontEnds();
    // What every protocol server shares; each adds its own limits and counters.
    const shared = { auth, directory, mail, clock, limits, log, frontEnds };
    const tls = {
      secureContext: createSecureContext({ key: certs.keyPem, cert: certs.certPem, minVersion: 'TLSv1.2' }),
      certificate: { key: certs.keyPem, cert: certs.certPem },
    };
    const perIp = () => new Counter(limits.maxConnectionsPerIp);
    const smtpContext = { ...shared, mailboxSessions: new Counter(limits.smtpMaxConnectionsPerMailbox), ipConnections: perIp() };
    const watchers = new FolderWatchers(mail);
    const imapContext: ImapContext = { ...shared, ...tls, mailboxSessions: new Counter(limits.imapMaxConnectionsPerMailbox), ipConnections: perIp(), watchers };
    // One session per mailbox in TRANSACTION (RFC 1939 §8's exclusive maildrop lock).
    const pop3Context: Pop3Context = { ...shared, ...tls, ipConnections: perIp(), maildropLocks: new Counter(1) };
    const portOf = (key: ListenerKey) => options.ports?.[key] ?? 0;
    const listeners: { key: ListenerKey; port: number; close(): Promise<void> }[] = [];
    const closeListeners = () => Promise.all(listeners.map((l) => l.close()));
    try {
      const start = async (key: ListenerKey, listen: (port: number) => Promise<{ port: number; close(): Promise<void> }>) => {
        const listener = await listen(portOf(key));
        listeners.push({ key, port: listener.port, close: () => listener.close() });
      };
      await start('smtp', (port) => startSmtpListener(smtpContext, { host, port, implicitTls: false, ...tls.certificate }));
      await start('smtps', (port) => startSmtpListener(smtpContext, { host, port, implicitTls: true, ...tls.certificate }));
      await start('imap', (port) => startImapListener(imapContext, { host, port, implicitTls: false }));
      await start('imaps', (port) => startImapListener(imapContext, { host, port, implicitTls: true }));
      await start('pop3', (port) => startPop3Listener(pop3Context, { host, port, implicitTls: false }));
      await start('pop3s', (port) => startPop3Listener(pop3Context, { host, port, implicitTls: true }));
      await start('https', (port) => startHttpsListener({ ...shared, identity, tokens, control, programme, sql, controlToken }, { host, port, ...tls.certificate }));
    } catch (error) {
      await closeListeners();
      await programme.close();
      throw error;
    }

    const ports = Object.fromEntries(LISTENER_KEYS.map((k) => [k, listeners.find((l) => l.key === k)?.port ?? null])) as Record<ListenerKey, number>;
    const endpoints: Endpoints = { host, ports, caCert: certs.caCertPath ?? null, controlToken };
    if (dataDir) writeAtomically(join(dataDir, 'endpoints.json'), `${JSON.stringify(endpoints, null, 2)}\n`);
    log.info({ host, ports, data: dataDir ?? 'memory', store: store.kind }, 'exogate listening');

    let closed: Promise<void> | null = null;
    const openStoreRef = store;
    const gateway: Gateway = {
      host,
      ports,
      endpoints,
      caCert: certs.caCertPem,
      caCertPath: certs.caCertPath ?? null,
      controlToken,
      dataDir,
      httpsUrl: `https://${host.includes(':') ? `[${host}]` : host}:${ports.https}`,
      clock: {
        now: () => clock.date(),
        set: async (to) => new Date(await clock.set(toMillis(to))),
        advance: async (by) => new Date(await clock.advance(by)),
      },
      seed: (fragment, o) => control.seed(fragment, { effectiveAt: o?.effectiveAt, reset: o?.reset }),
      flush: () => signIns.flush(),
      core: { store: openStoreRef, directory, auth, identity, tokens, mail, signIns, lockout, control, programme, limits, log },
      close: () =>
        (closed ??= (async () => {
          await closeListeners();
          watchers.close();
          await programme.close();
          await signIns.close();
          await control.saveClock();
          await openStoreRef.close();
          if (dataDir) rmSync(join(dataDir, 'endpoints.json'), { force: true });
          log.info('exogate stopped');
        })()),
    };
    return gateway;
  } catch (error) {
    await store?.close().catch(() => undefined);
    if (createdDir && dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function createLogger(options: GatewayOptions): Promise<Logger> {
  if (!options.logFile) return pino({ level: options.logLevel ?? 'silent', redact: REDACT });
  // Asynchronous writes keep logging off the hot path; waiting for 'ready' lets an exit flush it.
  const destination = pino.destination({ dest: options.logFile, mkdir: true, sync: false });
  await once(destination, 'ready');
  return pino({ level: options.logLevel ?? 'info', redact: REDACT }, destination);
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export { DEFAULT_PORTS };
