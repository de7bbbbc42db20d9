// One IMAP session (RFC 3501) as Exchange Online's front end runs it: its state, the one
// pending continuation it may be in (a SASL step, IDLE), and the way every command is checked
// against the state before its handler runs. Words come from replies.ts; decisions from the
// auth core; mail from the store.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Decision } from '../../core/auth/attempt.js';
import type { FrontEndEra } from '../../core/eras.js';
import type { FrontEnd } from '../../core/frontends.js';
import type { FolderChange, MessageMeta } from '../../core/mail/store.js';
import type { Tenant, User } from '../../core/tenants/model.js';
import { WireConnection } from '../wire/connection.js';
import { frontEndEra, greetingFqdn, mailWireLimits } from '../wire/mail-session.js';
import { COMMANDS } from './commands/index.js';
import type { ImapContext } from './context.js';
import { ArgumentError, parseCommand, ParseError, type ParsedCommand } from './parser.js';
import { AUTHENTICATED_BUT_NOT_CONNECTED, CAPABILITIES, completed, GREETINGS, OAUTHBEARER_CAPABILITY, TEXTS } from './replies.js';
import type { SelectedFolder } from './selected.js';
import type { FolderWatcher } from './watchers.js';

export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'not-connected' | 'logout';

/** A session waiting for a line that is not a command: the next SASL step, or DONE of IDLE. */
export type Continuation = { kind: 'sasl'; tag: string; next: (line: string) => void | Promise<void> } | { kind: 'idle'; tag: string };

/** Commands during which EXPUNGE responses must not be sent (RFC 3501 §7.4.1). */
const NO_EXPUNGE_DURING = new Set(['FETCH', 'STORE', 'SEARCH']);
/** "Authenticated but not connected": every command gets BAD, and this many end the session (§2.4). */
const NOT_CONNECTED_BYE_AFTER = 3;

const IMAP_READER = (ctx: ImapContext) => ({
  maxLiteralBytes: ctx.limits.imapMaxLiteralBytes,
  maxLargeLiteralBytes: ctx.limits.imapMaxAppendBytes,
  literals: true,
  largeLiteralCommands: ['APPEND'],
});

export class ImapConnection extends WireConnection implements FolderWatcher {
  state: ImapState = 'not-authenticated';
  readonly frontEnd: FrontEnd;
  user: User | null = null;
  tenant: Tenant | null = null;
  selected: SelectedFolder | null = null;
  continuation: Continuation | null = null;
  /** The client's name and version from ID, if it sent one: the usage report's client app. */
  clientName: string | undefined;
  /** Failed sign-ins in this session (Exchange ends the session after a few). */
  loginFailures = 0;
  #notConnectedCommands = 0;
  #mailboxSlot: string | null = null;

  constructor(
    socket: Socket,
    secure: boolean,
    readonly ctx: ImapContext,
  ) {
    super(socket, secure, mailWireLimits(ctx.limits, IMAP_READER(ctx)));
    this.frontEnd = ctx.frontEnds.pick();
  }

  get era(): FrontEndEra {
    return frontEndEra(this.ctx.limits, this.ctx.clock);
  }

  greet(): void {
    const text = GREETINGS[this.era].text.replace('{fqdn}', greetingFqdn(this.frontEnd)).replace('{guid}', randomUUID());
    this.untagged(`OK ${text}`);
  }

  capability(): string {
    let caps: string;
    if (this.state === 'authenticated' || this.state === 'selected') caps = CAPABILITIES.authenticated;
    else if (!this.secure && !this.ctx.limits.mailAllowPlainLogin) caps = CAPABILITIES.plainPreAuth;
    else caps = this.era === 'tcpproxy' ? CAPABILITIES.tlsPreAuthTcpproxy : CAPABILITIES.tlsPreAuth;
    if (this.ctx.limits.imapAdvertiseOauthbearer) caps = caps.replace('AUTH=XOAUTH2', `AUTH=XOAUTH2 ${OAUTHBEARER_CAPABILITY}`);
    return caps;
  }

  // --- writing ---

  untagged(text: string): void {
    this.write(`* ${text}\r\n`);
  }

  tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string): void {
    this.write(`${tag} ${status} ${text}\r\n`);
  }

  continueWith(text: string): void {
    this.write(`+ ${text}\r\n`);
  }

  /** Says BYE and ends the session. */
  bye(text: string): void {
    this.untagged(`BYE ${text}`);
    this.state = 'logout';
    this.close();
  }

  // --- the session's sign-in ---

  /** Applies an auth-core decision: OK (maybe "not connected"), or the caller's failure line. */
  signedIn(decision: Decision): boolean {
    if (decision.outcome !== 'ok' && !AUTHENTICATED_BUT_NOT_CONNECTED.has(decision.outcome)) return false;
    this.markAuthenticated();
    const mailbox = decision.mailbox;
    // Past the per-mailbox limit Exchange still says OK, then cannot connect (§2.6).
    if (decision.outcome !== 'ok' || !mailbox || !this.ctx.mailboxSessions.acquire(mailbox.id)) {
      this.state = 'not-connected';
      return true;
    }
    this.#mailboxSlot = mailbox.id;
    this.user = mailbox;
    this.tenant = decision.tenant ?? null;
    this.state = 'authenticated';
    return true;
  }

  // --- selected folder ---

  select(folder: SelectedFolder | null): void {
    if (this.selected) this.ctx.watchers.unwatch(this.selected.folderId, this);
    this.selected = folder;
    this.state = folder ? 'selected' : this.state === 'selected' ? 'authenticated' : this.state;
    if (folder) this.ctx.watchers.watch(folder.folderId, this);
  }

  onFolderChange(change: FolderChange): void {
    if (!this.selected || change.origin === this) return;
    this.selected.queue(change);
    // In IDLE the client hears at once (RFC 2177).
    if (this.continuation?.kind === 'idle') void this.releaseUpdates(true);
  }

  /** Sends what changed in the selected folder since the client last heard. */
  async releaseUpdates(allowExpunge: boolean): Promise<void> {
    const selected = this.selected;
    if (!selected?.hasUpdates) return;
    let meta: Map<number, MessageMeta> = new Map();
    const fresh = selected.pendingNewUids;
    if (fresh.length) {
      const all = await this.ctx.mail.index(selected.folderId);
      meta = new Map(all.filter((m) => fresh.includes(m.uid)).map((m) => [m.uid, m]));
    }
    if (this.selected !== selected) return;
    for (const line of selected.release(allowExpunge, meta)) this.untagged(line.slice(2));
  }

  // --- reading ---

  protected onCommand(bytes: Buffer): void | Promise<void> {
    const pending = this.continuation;
    if (pending) {
      const line = bytes.toString('latin1');
      if (pending.kind === 'idle') {
        this.continuation = null;
        if (line.trim().toUpperCase() === 'DONE') return this.tagged(pending.tag, 'OK', completed('IDLE'));
        return this.tagged(pending.tag, 'BAD', TEXTS.commandError12.text);
      }
      this.continuation = null;
      return pending.next(line);
    }
    let command: ParsedCommand;
    try {
      command = parseCommand(bytes);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      const text = error.nonAscii ? TEXTS.commandError11.text : error.inArguments ? TEXTS.argumentError12.text : TEXTS.commandError12.text;
      if (error.tag) this.tagged(error.tag, 'BAD', text);
      else this.untagged(`BAD ${text}`);
      return;
    }
    return this.#dispatch(command);
  }

  async #dispatch(command: ParsedCommand): Promise<void> {
    if (this.state === 'not-connected') {
      this.tagged(command.tag, 'BAD', TEXTS.notConnected.text);
      if (++this.#notConnectedCommands >= NOT_CONNECTED_BYE_AFTER) this.bye(TEXTS.notConnectedBye.text);
      return;
    }
    const spec = COMMANDS.get(command.name);
    if (!spec) return this.tagged(command.tag, 'BAD', TEXTS.commandError12.text);
    if (!spec.states.includes(this.state)) return this.tagged(command.tag, 'BAD', TEXTS.invalidState.text);
    try {
      await spec.run(this, command);
    } catch (error) {
      if (error instanceof ArgumentError) return this.tagged(command.tag, 'BAD', TEXTS.argumentError11.text);
      this.ctx.log.error({ proto: 'imap', cid: this.id, err: error, command: command.name }, 'command failed');
      this.tagged(command.tag, 'NO', TEXTS.serverUnavailable.text);
    }
  }

  /** Before a tagged OK: untagged updates the command may carry (RFC 3501 §7). */
  async beforeCompletion(command: string): Promise<void> {
    await this.releaseUpdates(!NO_EXPUNGE_DURING.has(command));
  }

  protected onContinuation(): void {
    this.continueWith(TEXTS.literalContinue.text);
  }

  protected onTooLong(what: 'line' | 'literal', firstLine: string): void {
    const tag = /^([^\s+]+) /.exec(firstLine)?.[1];
    const text = TEXTS.commandError10.text;
    if (tag && what === 'literal') this.tagged(tag, 'BAD', text);
    else this.untagged(`BAD ${text}`);
  }

  protected onIdle(): void {
    this.untagged(`BYE ${TEXTS.idleTimeout.text}`);
  }

  protected onThrottled(backoffMs: number): void {
    this.untagged(`NO ${TEXTS.throttled.text.replace('{ms}', String(backoffMs))}`);
  }

  onShutdown(): void {
    if (this.closed) return;
    this.untagged(`BYE ${TEXTS.signingOff.text}`);
    this.close();
  }

  protected override onClosed(): void {
    if (this.selected) this.ctx.watchers.unwatch(this.selected.folderId, this);
    this.selected = null;
    if (this.#mailboxSlot) this.ctx.mailboxSessions.release(this.#mailboxSlot);
    this.#mailboxSlot = null;
  }
}
