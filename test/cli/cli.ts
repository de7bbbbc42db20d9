// Runs the real `exogate` command (node bin/exogate.js ...) as a child process: one-shot
// commands, and `exogate start` as a long-running gateway found through <data>/endpoints.json.
// Not a test file itself (no .test. in its name): the CLI suites import it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { SmtpWire } from '../helpers/smtp-wire.js';

/** The repository root (this file runs from dist/test/cli/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'exogate.js');

/** The listener keys of DESIGN.md's endpoints.json contract, written out rather than imported. */
export const LISTENERS = ['imap', 'imaps', 'pop3', 'pop3s', 'smtp', 'smtps', 'https'] as const;
/** Every port flag set to 0 (any free port). */
export const PORT_FLAGS: string[] = LISTENERS.flatMap((k) => [`--${k}-port`, '0']);

/** Generous: a first run on a machine builds PGlite's template cluster; CI machines are slow. */
export const START_TIMEOUT_MS = 120_000;

export const DEMO_APP = { clientId: '00000000-0000-0000-0000-0000000000a1', secret: 'contoso-app-secret' };
export const DEMO_PUBLIC_CLIENT = '00000000-0000-0000-0000-0000000000a2';
export const ALICE = { upn: 'alice@contoso.com', password: 'Alice-Passw0rd!' };

export interface Endpoints {
  host: string;
  ports: Record<string, number | null>;
  caCert: string | null;
  controlToken: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temporary folder removed when the test ends. */
export function tempDir(t: Test, prefix = 'exogate-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs one `exogate` command to completion. */
export function run(args: string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`exogate ${args.join(' ')} did not finish within ${options.timeoutMs ?? START_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? START_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running `exogate start` (or `npm start`) process. */
export class CliGateway {
  stdout = '';
  stderr = '';
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
    /** Started through npm in its own process group: signals go to the group, as a terminal's do. */
    readonly group: boolean,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  /**
   * Starts `exogate start --data DIR <every port flag 0> ...extra` and waits until endpoints.json
   * exists and the summary has been printed. `npm: true` goes through `npm start -- ...`.
   * The process is killed when the test ends if it is still running.
   */
  static async start(t: Test, dataDir: string, extra: string[] = [], options: { npm?: boolean } = {}): Promise<CliGateway> {
    const args = ['--data', dataDir, ...PORT_FLAGS, ...extra];
    // npm runs the script through `sh -c`, which may or may not exec node; a signal to npm alone
    // can leave node running, so npm's whole (own) process group is signalled, like Ctrl-C does.
    const child = options.npm
      ? spawn('npm', ['start', '--silent', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(process.execPath, [BIN, 'start', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const gw = new CliGateway(child, dataDir, !!options.npm);
    t.teardown(async () => {
      if (gw.#exit) return;
      gw.#signal('SIGKILL');
      await gw.exited;
    });
    await gw.#ready();
    return gw;
  }

  get running(): boolean {
    return this.#exit === null;
  }

  get endpointsFile(): string {
    return join(this.dataDir, 'endpoints.json');
  }

  async #ready(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.#exit) throw new Error(`exogate start exited (${JSON.stringify(this.#exit)}) before it was ready\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      if (existsSync(this.endpointsFile) && this.stdout.includes('Press Ctrl-C to stop.')) return;
      if (Date.now() > deadline) throw new Error(`exogate start not ready within ${START_TIMEOUT_MS} ms\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await sleep(100);
    }
  }

  endpoints(): Endpoints {
    return JSON.parse(readFileSync(this.endpointsFile, 'utf8')) as Endpoints;
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.#exit) return this.#exit;
    this.#signal(signal);
    return this.exited;
  }

  #signal(signal: NodeJS.Signals): void {
    if (!this.group) this.child.kill(signal);
    else {
      try {
        process.kill(-this.child.pid!, signal);
      } catch {
        // the group is gone already
      }
    }
  }

  /** Waits until stderr contains `text` (or the process has ended). */
  async waitForStderr(text: string, timeoutMs = START_TIMEOUT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stderr.includes(text)) {
      if (this.#exit || Date.now() > deadline) return this.stderr.includes(text);
      await sleep(5);
    }
    return true;
  }
}

/**
 * A failed Basic sign-in over SMTP submission, as a mail client makes it: EHLO, STARTTLS (trusting
 * the gateway's CA), EHLO, AUTH LOGIN with a wrong password. Returns the final reply; the session
 * is left open (a client still connected when the gateway stops).
 */
export async function failedSmtpLogin(endpoints: Endpoints, upn: string, wrongPassword: string): Promise<{ reply: string; wire: SmtpWire }> {
  const ca = readFileSync(endpoints.caCert!, 'utf8');
  const wire = await SmtpWire.open(endpoints.ports.smtp!, { host: endpoints.host });
  const greeting = await wire.reply();
  if (!greeting.startsWith('220')) throw new Error(`unexpected greeting: ${greeting}`);
  await wire.command('EHLO cli-test.example');
  const ready = await wire.command('STARTTLS');
  if (!ready.startsWith('220')) throw new Error(`STARTTLS refused: ${ready}`);
  await wire.starttls(ca);
  await wire.command('EHLO cli-test.example');
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const prompt = await wire.command('AUTH LOGIN');
  if (!prompt.startsWith('334')) throw new Error(`AUTH LOGIN refused: ${prompt}`);
  await wire.command(b64(upn));
  const reply = await wire.command(b64(wrongPassword));
  return { reply, wire };
}

/** Every file under `dir` (relative paths, sorted), with the SHA-256 of its contents. */
export function fileDigests(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const rel = relative(dir, full);
      if (skip(rel)) continue;
      if (statSync(full).isDirectory()) walk(full);
      else out[rel] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** The three dot-separated base64url parts of a compact JWT. */
export const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
