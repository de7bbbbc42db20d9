// Commands about the session itself: CAPABILITY, NOOP, CHECK, LOGOUT, ID, STARTTLS, NAMESPACE,
// IDLE (reference §2.2, §2.3, §2.5; RFC 3501, RFC 2971, RFC 2177).
import type { Token } from '../parser.js';
import { completed, ID_RESPONSE, NAMESPACE_RESPONSE, TEXTS } from '../replies.js';
import { ANY, AUTHENTICATED, NOT_AUTHENTICATED, SELECTED, type CommandSpec } from './spec.js';

const CAPABILITY: CommandSpec = {
  states: ANY,
  async run(c, { tag }) {
    c.untagged(`CAPABILITY ${c.capability()}`);
    await c.beforeCompletion('CAPABILITY');
    c.tagged(tag, 'OK', completed('CAPABILITY'));
  },
};

const NOOP: CommandSpec = {
  states: ANY,
  async run(c, { tag, name }) {
    await c.beforeCompletion(name);
    c.tagged(tag, 'OK', completed(name));
  },
};

const LOGOUT: CommandSpec = {
  states: ANY,
  run(c, { tag }) {
    c.untagged(`BYE ${TEXTS.signingOff.text}`);
    c.tagged(tag, 'OK', completed('LOGOUT'));
    c.state = 'logout';
    c.close();
  },
};

/** RFC 2971: the client may say who it is; Exchange answers with its own name (§2.3). */
const ID: CommandSpec = {
  states: ANY,
  run(c, { tag, args }) {
    const params = args[0];
    if (params?.kind === 'list') c.clientName = describeClient(params.items);
    c.untagged(`ID ${ID_RESPONSE}`);
    c.tagged(tag, 'OK', TEXTS.idCompleted.text);
  },
};

function describeClient(items: Token[]): string | undefined {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = items[i];
    const value = items[i + 1];
    if (key.kind === 'string' && value.kind === 'string') fields[key.value.toString('utf8').toLowerCase()] = value.value.toString('utf8').slice(0, 100);
  }
  return fields.name ? `${fields.name}${fields.version ? `/${fields.version}` : ''}` : undefined;
}

const STARTTLS: CommandSpec = {
  states: NOT_AUTHENTICATED,
  async run(c, { tag }) {
    if (c.secure) return c.tagged(tag, 'BAD', TEXTS.invalidState.text);
    c.tagged(tag, 'OK', TEXTS.startTls.text);
    await c.startTls(c.ctx.secureContext);
  },
};

const NAMESPACE: CommandSpec = {
  states: AUTHENTICATED,
  run(c, { tag }) {
    c.untagged(`NAMESPACE ${NAMESPACE_RESPONSE}`);
    c.tagged(tag, 'OK', completed('NAMESPACE'));
  },
};

/** RFC 2177: changes reach the client as they happen until it says DONE. */
const IDLE: CommandSpec = {
  states: AUTHENTICATED,
  async run(c, { tag }) {
    c.continuation = { kind: 'idle', tag };
    c.continueWith(TEXTS.idleContinue.text);
    await c.releaseUpdates(true);
  },
};

export const SESSION_COMMANDS: readonly [string, CommandSpec][] = [
  ['CAPABILITY', CAPABILITY],
  ['NOOP', NOOP],
  ['CHECK', { ...NOOP, states: SELECTED }],
  ['LOGOUT', LOGOUT],
  ['ID', ID],
  ['STARTTLS', STARTTLS],
  ['NAMESPACE', NAMESPACE],
  ['IDLE', IDLE],
];
