// Dovecot as a reference server for the IMAP and POP3 sign-in benchmarks: installed from Debian
// when missing, and run as a private instance (its own config, sockets, state, log and mail in a
// temporary folder, listening on free loopback ports) so it never touches or depends on a system
// dovecot and can be pinned to the server core like every other server under test.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const DOVECOT = '/usr/sbin/dovecot';
const TASKSET = '/usr/bin/taskset';
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${output}`);
  }
  return r.stdout;
}

/**
 * Installs Debian's dovecot-imapd and dovecot-pop3d when /usr/sbin/dovecot is missing. The
 * package would start a system dovecot on 143/993/110/995; a policy-rc.d that answers 101
 * ("action forbidden") keeps maintainer scripts from starting it, and whatever runs anyway
 * (a policy-rc.d that allows it, systemd socket activation) is stopped afterwards, so the only
 * dovecot left running is the private one startDovecot() spawns.
 */
export function ensureDovecot(): void {
  if (existsSync(DOVECOT)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Only put a policy in place (and take it away) when the host has none; an existing one
  // (containers ship one that answers 101) is the host's and stays as it is.
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\n# exogate bench: installing dovecot, do not start services\nexit 101\n', { mode: 0o755 });
  try {
    run('apt-get', ['update', '-qq'], env);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'dovecot-imapd', 'dovecot-pop3d'], env);
  } finally {
    if (ownPolicy) unlinkSync(POLICY_RC_D);
  }
  stopSystemDovecot();
  if (!existsSync(DOVECOT)) throw new Error(`apt-get installed dovecot but ${DOVECOT} is missing`);
}

/** Stops (and, under systemd, disables) the package's own dovecot if anything started it. */
export function stopSystemDovecot(): void {
  if (existsSync('/run/systemd/system')) {
    spawnSync('systemctl', ['disable', '--now', 'dovecot.service', 'dovecot.socket'], { stdio: 'ignore' });
  }
  // Without systemd the init script's master records its pid here (Debian's base_dir).
  const pidFile = '/run/dovecot/master.pid';
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const comm = existsSync(`/proc/${pid}/comm`) ? readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : '';
  if (pid > 0 && comm === 'dovecot') process.kill(pid, 'SIGTERM');
}

/** A port free right now: bind port 0 on loopback, read what the kernel gave, close. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Salted SHA-256 ({SSHA256}: base64 of sha256(password ‖ salt) ‖ salt). Cheap on purpose: the
 * benchmark measures the server's sign-in path, and SHA512-CRYPT's 5,000 rounds (Debian's usual
 * choice) would make it a measurement of password hashing instead.
 */
export function ssha256(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha256').update(password).update(salt).digest();
  return `{SSHA256}${Buffer.concat([digest, salt]).toString('base64')}`;
}

export interface DovecotOptions {
  users: { user: string; password: string }[];
  keyPem: string;
  certPem: string;
  /** The core to pin dovecot (master and every child) to with taskset. */
  cpu?: number;
}

export interface DovecotInstance {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

function config(dir: string, ports: { imap: number; imaps: number; pop3: number; pop3s: number }, cores: number): string {
  // "Performance mode" for the login processes (Dovecot's own tuning advice for busy servers):
  // each login process serves many connections (service_count = 0) instead of one process per
  // connection, `cores` of them are kept ready, and their limits leave room for the load.
  const loginService = (name: string, listeners: string) => `service ${name} {
${listeners}
  service_count = 0
  process_min_avail = ${cores}
  vsz_limit = 1G
  client_limit = 1000
}`;
  return `# Written by scripts/bench/dovecot.ts: a private instance for the benchmark, nothing from /etc/dovecot.
protocols = imap pop3
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log

ssl = yes
ssl_cert = <${dir}/ssl/cert.pem
ssl_key = <${dir}/ssl/key.pem
ssl_min_protocol = TLSv1.2

# Sign-in without TLS on the plain ports, as the exogate and bare servers are measured.
disable_plaintext_auth = no
auth_mechanisms = plain login
# Dovecot slows password guessing on purpose: every failed sign-in is answered after
# auth_failure_delay (2 s), and anvil adds a per-IP penalty that doubles up to 15 s. Both are
# off, so a rejection is measured as the server's work (exogate has no such delay); anvil's
# penalty is switched off the way Dovecot documents it, by making its socket unusable.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

# Even with auth_failure_delay = 0 the auth process queues each failure and answers it on a
# 500 ms timer (AUTH_FAILURE_DELAY_CHECK_MSECS); a request carrying the nodelay field is answered
# at once. A wrong password rolls back the fields its own passdb set, so nodelay comes from a
# passdb before it that authenticates nothing (noauthenticate) and only adds the field.
passdb {
  driver = static
  args = noauthenticate nodelay=yes
}
passdb {
  driver = passwd-file
  args = ${dir}/users
}
# Every user's mail is a maildir under the instance folder, owned by an unprivileged account.
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir

# 64 concurrent sessions and thousands of sessions a second, all from 127.0.0.1, must not meet
# a limit: every signed-in session gets its own imap/pop3 process (Dovecot's default). The
# client limit covers auth's and anvil's connections from every login process Dovecot counts
# (imap, pop3 and imap-urlauth login at the process limit each), so the master does not warn.
default_process_limit = 1000
default_client_limit = 5000
mail_max_userip_connections = 10000

# The other half of Dovecot's high-performance setup: a mail process serves up to 1000 sessions
# one after another instead of being started for each sign-in (every user maps to the same uid,
# which is what lets Dovecot reuse it). Without this, a signed-in session costs a fork and
# Dovecot's accepted rows measure process start-up (about 250 sessions/s here, against about
# 1,500 with it): the comparison is with Dovecot at its fastest.
service imap {
  service_count = 1000
}
service pop3 {
  service_count = 1000
}

${loginService(
  'imap-login',
  `  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }`,
)}
${loginService(
  'pop3-login',
  `  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }`,
)}
`;
}

export async function startDovecot(o: DovecotOptions): Promise<DovecotInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'dovecot-bench-'));
  // Login processes (user dovenull) and auth (user dovecot) must reach base_dir and the users file.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'ssl'), { mode: 0o700 });
  writeFileSync(join(dir, 'ssl', 'key.pem'), o.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ssl', 'cert.pem'), o.certPem);
  writeFileSync(join(dir, 'users'), o.users.map((u) => `${u.user}:${ssha256(u.password)}\n`).join(''), { mode: 0o644 });
  mkdirSync(join(dir, 'state'), { mode: 0o750 });
  mkdirSync(join(dir, 'mail'), { mode: 0o700 });
  chownSync(join(dir, 'mail'), uid('nobody'), gid('nogroup'));

  const ports = { imap: await freePort(), imaps: await freePort(), pop3: await freePort(), pop3s: await freePort() };
  const pinned = o.cpu !== undefined && existsSync(TASKSET);
  // One login process per core it may run on: pinned, every process shares that one core.
  const cores = pinned ? 1 : cpus().length;
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, config(dir, ports, cores));
  // Parses the config the way the master will (and fails on any unknown setting).
  try {
    run(DOVECOT, ['-n', '-c', conf]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const [cmd, args] = pinned ? [TASKSET, ['-c', String(o.cpu), DOVECOT, '-F', '-c', conf]] : [DOVECOT, ['-F', '-c', conf]];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const logTail = () => {
    const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
    return `${output}${log}`.trim().split('\n').slice(-20).join('\n');
  };
  const stop = async () => {
    if (!exited) {
      // The master stops its children on SIGTERM; SIGKILL only if it hangs.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await Promise.all(Object.values(ports).map(accepts));
    if (up.every(Boolean)) break;
    if (exited || Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`dovecot did not start${exited ? ` (exited ${child.exitCode})` : ' in 15 s'}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...ports, pid: child.pid!, dir, stop };
}

function uid(name: string): number {
  return Number(run('id', ['-u', name]).trim());
}

function gid(group: string): number {
  return Number(run('getent', ['group', group]).split(':')[2]);
}
