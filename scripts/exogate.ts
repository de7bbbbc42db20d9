#!/usr/bin/env node
// The `exogate` command (DESIGN.md "Interfaces"): start, token, clock, seed, cmdlet, signins, load.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LISTENER_KEYS, DEFAULT_PORTS, type ListenerKey } from '../core/config.js';
import { SeedError } from '../core/tenants/seed-schema.js';
import { runStart } from './start.js';
import { runToken } from './token.js';
import { CmdletFailed, runCmdletCommand } from './cmdlet.js';
import { runSignIns } from './signins.js';
import { parseDuration, parseMix, parseRange, parseWhole, runLoadCommand, type LoadCommandOptions } from './load-command.js';
import { LOAD_ACTIONS, LOAD_PROTOCOLS, LOAD_TRANSPORTS } from './load/engine.js';
import { DEFAULT_DATA_DIR, httpsCall, readEndpoints } from './lib/client.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** `--limit name=value`: numbers and booleans as such, anything else as text (checked by startGateway). */
function collectLimit(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('write a limit as name=value');
  const name = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  const parsed = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  return { ...previous, [name]: parsed };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 = any free port)');
  return n;
}

const program = new Command();
program.name('exogate').description("An emulator of Exchange Online's client-access front door.").version(packageJson.version);

const start = program
  .command('start')
  .description('start every listener (embedded store, demo tenant on first run); writes <data>/endpoints.json')
  .option('--data <dir>', 'data folder: store, certificates, endpoints.json', DEFAULT_DATA_DIR)
  .option('--seed <file>', 'seed file (YAML) to apply; see the README')
  .option('--host <addr>', 'address every listener binds', '127.0.0.1')
  .option('--database-url <url>', 'use a PostgreSQL server instead of the embedded store')
  .option('--clock <iso>', 'start the emulated clock at this date (new data folder only)')
  .option('--no-demo', 'do not seed the demo tenants into a new data folder')
  .addOption(new Option('--log-level <level>', 'log level of <data>/exogate.log').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
  .option('--mail-front-end <era>', 'IMAP/POP3 front end: auto (by the emulated date), classic, or tcpproxy (2026)')
  .option('--limit <key=value>', 'override a limit of core/config.ts (repeatable), e.g. --limit smtpAllowPlainAuth=true', collectLimit, {});
for (const key of LISTENER_KEYS) start.option(`--${key}-port <n>`, `${key} listener port (0 = any free port)`, port, DEFAULT_PORTS[key]);
start.action(async (opts: Record<string, unknown>) => {
  const ports = Object.fromEntries(LISTENER_KEYS.map((k) => [k, opts[`${k}Port`] as number])) as Record<ListenerKey, number>;
  await runStart({
    data: opts.data as string,
    seed: opts.seed as string | undefined,
    host: opts.host as string,
    databaseUrl: opts.databaseUrl as string | undefined,
    clock: opts.clock as string | undefined,
    demo: opts.demo as boolean,
    logLevel: opts.logLevel as string,
    limits: { ...(opts.limit as Record<string, unknown>), ...(opts.mailFrontEnd ? { mailFrontEnd: opts.mailFrontEnd } : {}) },
    ports,
  });
});

program
  .command('token')
  .description("get an access token from exogate's identity platform")
  .option('--data <dir>', 'data folder of the running gateway', DEFAULT_DATA_DIR)
  .option('--endpoints <file>', 'endpoints.json of the running gateway')
  .option('--tenant <tenant>', 'tenant: GUID, name, domain, or common (default: from --username, else common)')
  .requiredOption('--client-id <id>', 'application (client) id')
  .option('--client-secret <secret>', 'client secret (confidential apps)')
  .option('--scope <scope>', 'scope (default: https://outlook.office365.com/.default for an app, IMAP+SMTP for a user)')
  .option('--username <upn>', 'sign in as this user (resource-owner password flow)')
  .option('--password <password>', "the user's password")
  .option('--device', 'device-code flow: prints a code to enter at /devicelogin, then waits')
  .option('--json', 'print the whole token response as JSON')
  .action(runToken);

program
  .command('clock')
  .description('show, set or advance the emulated clock of a running gateway')
  .option('--data <dir>', 'data folder of the running gateway', DEFAULT_DATA_DIR)
  .option('--endpoints <file>', 'endpoints.json of the running gateway')
  .option('--set <iso>', 'jump to this date')
  .option('--advance <duration>', 'move forward, e.g. 30d, 1h, 90m or seconds')
  .action(async (opts: { data?: string; endpoints?: string; set?: string; advance?: string }) => {
    const endpoints = readEndpoints(opts);
    const body = opts.set ? { set: opts.set } : opts.advance ? { advance: opts.advance } : null;
    const res = await httpsCall(endpoints, body ? 'POST' : 'GET', '/_exogate/clock', {
      control: true,
      body: body ? JSON.stringify(body) : undefined,
      headers: body ? { 'content-type': 'application/json' } : {},
    });
    const parsed = JSON.parse(res.body) as { now?: string; error?: string };
    if (res.status !== 200) throw new Error(parsed.error ?? `HTTP ${res.status}`);
    console.log(parsed.now);
  });

program
  .command('seed')
  .description('apply a seed fragment (YAML) to a running gateway')
  .argument('<file>', 'seed file')
  .option('--data <dir>', 'data folder of the running gateway', DEFAULT_DATA_DIR)
  .option('--endpoints <file>', 'endpoints.json of the running gateway')
  .option('--effective-at <iso>', 'when its settings take effect (default: now on the emulated clock)')
  .action(async (file: string, opts: { data?: string; endpoints?: string; effectiveAt?: string }) => {
    const endpoints = readEndpoints(opts);
    const text = readFileSync(file, 'utf8');
    // origin: the problems name the file, as those of `exogate start --seed FILE` do.
    const query = new URLSearchParams({ origin: resolve(file), ...(opts.effectiveAt ? { effectiveAt: opts.effectiveAt } : {}) });
    const res = await httpsCall(endpoints, 'POST', `/_exogate/seed?${query}`, { control: true, body: text, headers: { 'content-type': 'text/yaml' } });
    const parsed = JSON.parse(res.body) as { problems?: string[]; error?: string };
    if (res.status !== 200) throw new SeedError(parsed.problems?.join('\n') ?? parsed.error ?? `HTTP ${res.status}`, parsed.problems ?? []);
    console.log(res.body);
  });

program
  .command('cmdlet')
  .description("run one Exchange Online cmdlet line against a tenant of a running gateway, as its administrator")
  .argument('<line>', 'the cmdlet line, quoted as one argument, e.g. "Set-TransportConfig -SmtpClientAuthenticationDisabled $false"')
  .requiredOption('--tenant <tenant>', 'tenant: GUID, name or domain')
  .option('--data <dir>', 'data folder of the running gateway', DEFAULT_DATA_DIR)
  .option('--endpoints <file>', 'endpoints.json of the running gateway')
  .option('--json', 'print the objects as JSON instead of Format-List')
  .addHelpText(
    'after',
    `
Cmdlets: Get-/Set-OrganizationConfig, Enable-OrganizationCustomization, Get-/Set-TransportConfig,
New-/Set-/Get-/Remove-AuthenticationPolicy, Get-/Set-User, Get-/Set-CASMailbox,
New-/Get-ServicePrincipal, Add-/Get-MailboxPermission, Add-RecipientPermission.

Arguments are read as PowerShell reads them: -Switch, -Param value, -Param:$false, $true/$false/$null,
'single' or "double" quotes, a,b for a list, and -Identity by position. In a shell, quote the line in
single quotes (or escape $) so that $false reaches exogate.

Examples:
  exogate cmdlet 'Get-OrganizationConfig' --tenant contoso
  exogate cmdlet 'Set-TransportConfig -SmtpClientAuthenticationDisabled $false' --tenant contoso
  exogate cmdlet 'New-AuthenticationPolicy "Block Basic" -AllowBasicAuthSmtp' --tenant contoso
  exogate cmdlet 'Set-CASMailbox alice -ImapEnabled $false' --tenant contoso --json

A cmdlet error is printed on stderr as PowerShell prints it, and the exit code is 1.`,
  )
  .action((line: string, opts: { tenant: string; data?: string; endpoints?: string; json?: boolean }) => runCmdletCommand(line, opts));

program
  .command('signins')
  .description('query or export the sign-in log of a running gateway (Graph auditLogs/signIns, paged)')
  .option('--data <dir>', 'data folder of the running gateway', DEFAULT_DATA_DIR)
  .option('--endpoints <file>', 'endpoints.json of the running gateway')
  .option('--tenant <tenant>', 'tenant: GUID, name or domain (default: every tenant)')
  .option('--filter <odata>', "a $filter as Graph takes it, e.g. \"clientAppUsed eq 'IMAP4' and status/errorCode ne 0\"")
  .option('--top <n>', 'at most this many sign-ins, newest first (default: all that match)')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .option('--out <file>', 'write to this file instead of stdout')
  .action(runSignIns);

program
  .command('load')
  .description('drive sign-ins (and an optional action) against exogate or any IMAP/POP3/SMTP/EWS/ActiveSync server, and count every reply by its exact text')
  .addOption(new Option('--protocol <protocol>', 'protocol to drive').choices([...LOAD_PROTOCOLS]).default('imap'))
  .option('--host <addr>', 'server address (default: the running exogate\'s, else 127.0.0.1)')
  .option('--port <n>', "server port (default: the running exogate's listener for --protocol and --transport, else exogate's default port)", port)
  .addOption(new Option('--transport <transport>', 'plain, STARTTLS (STLS for POP3) or implicit TLS; EWS and ActiveSync are HTTPS (tls) (default: tls; starttls for smtp)').choices([...LOAD_TRANSPORTS]))
  .option('--ca <file>', "PEM of the CA to trust (default: the running exogate's)")
  .option('--servername <name>', 'TLS server name (default: the host, or localhost for an address)')
  .option('--insecure', 'accept any server certificate')
  .option('--tls-resume', 'offer the last TLS session ticket on each new connection (session resumption), as many mail clients do')
  .option('--data <dir>', 'data folder of a running exogate (its endpoints.json gives host, ports and CA)')
  .option('--endpoints <file>', 'endpoints.json of a running exogate')
  .option('--user <pattern>', 'user name, {n} counts over --users, e.g. "user{n}@contoso.com"')
  .option('--users <from-to>', 'the range {n} runs over', parseRange, [1, 1000] as [number, number])
  .option('--password <password>', "the users' password (Basic, and the password grant of OAuth)", '')
  .addOption(new Option('--auth <kind>', 'Basic (LOGIN, USER/PASS, AUTH PLAIN, Authorization: Basic) or OAuth (XOAUTH2, Authorization: Bearer)').choices(['basic', 'oauth']).default('basic'))
  .option('--mix <weight:auth[:user[:password]]>', 'one share of a mix (repeatable), e.g. --mix 70:basic:user{n}@fabrikam.com --mix 30:oauth:user{n}@contoso.com; replaces --auth', parseMix, [])
  .option('--client-id <id>', 'OAuth: the application (client) id tokens are requested for')
  .option('--client-secret <secret>', 'OAuth: its secret (confidential clients)')
  .addOption(new Option('--grant <grant>', 'OAuth: a token per user (password) or one app token per tenant (client_credentials)').choices(['password', 'client_credentials']).default('password'))
  .option('--tenant <tenant>', "OAuth: tenant in the token URL (default: each user's domain)")
  .option('--scope <scope>', 'OAuth: scope (default: the protocol\'s delegated scope, e.g. https://outlook.office.com/IMAP.AccessAsUser.All, or https://outlook.office365.com/.default for an app)')
  .option('--token <jwt>', 'OAuth: use this access token for every OAuth session instead of requesting tokens')
  .option('--identity-url <url>', "OAuth: base URL of the identity platform (default: the running exogate's HTTPS listener)")
  .option('--concurrency <n>', 'sessions in flight at once', parseWhole, 16)
  .option('--duration <time>', 'how long to run, e.g. 30s, 2m (default 10s)', parseDuration)
  .option('--count <n>', 'run this many sessions, then stop (with --duration: whichever comes first)', parseWhole)
  .addOption(new Option('--action <action>', 'after a successful sign-in: fetch (IMAP SELECT + FETCH, POP3 STAT + RETR, EWS FindItem) or send (SMTP MAIL/RCPT/DATA, EWS CreateItem)').choices([...LOAD_ACTIONS]).default('none'))
  .option('--json <file>', 'write the whole report as JSON (- for stdout)')
  .option('--report <file>', 'write a self-contained HTML report: latency histograms, rate over time, replies')
  .option('--quiet', 'no summary table')
  .option('--progress', 'show the live progress line even when stderr is not a terminal')
  .option('--no-progress', 'never show the live progress line')
  .addHelpText(
    'after',
    `
A session: connect, greeting, (STARTTLS,) sign in, the --action if any, log out. For EWS and
ActiveSync a session is one request on a kept-alive connection (EWS GetFolder, or the action;
ActiveSync FolderSync). Each session's outcome is the server's deciding reply, counted by its
exact text (Exchange's variable [...] bracket and message ids elided); a token the identity
platform refuses counts as its AADSTS answer. Errors are sessions that got no answer.

Sessions of a --mix take turns by weight, so a --count run splits exactly by the weights.

Examples:
  exogate load --protocol imap --user 'user{n}@fabrikam.com' --password 'Passw0rd!' --duration 30s
  exogate load --protocol smtp --transport starttls --concurrency 64 --count 10000 \\
      --mix 70:basic:user{n}@fabrikam.com:Passw0rd! --mix 30:oauth:user{n}@contoso.com:Passw0rd! \\
      --client-id 00000000-0000-0000-0000-0000000000a2 --report run.html --json run.json
  exogate load --protocol ews --auth oauth --user alice@contoso.com --password 'Alice-Passw0rd!' \\
      --client-id 00000000-0000-0000-0000-0000000000a2 --action fetch

Exit code: 0 when the run completed (whatever the server answered); 1 when no session got an
answer, or an option is wrong.`,
  )
  .action((opts: LoadCommandOptions) => runLoadCommand(opts, process.argv.slice(2)));

program.parseAsync().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CmdletFailed) {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
  process.stderr.write(`exogate: ${error instanceof SeedError ? 'the seed is not valid:\n' : ''}${message}\n`);
  process.exit(error instanceof SeedError ? 2 : 1);
});
