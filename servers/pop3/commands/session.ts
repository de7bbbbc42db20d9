// Commands about the session itself: CAPA (RFC 2449), STLS (RFC 2595), NOOP and QUIT
// (RFC 1939 §5, §6). QUIT in TRANSACTION is the UPDATE state: only there do DELE's marks
// reach the mailbox.
import { listing } from '../maildrop.js';
import { TEXTS } from '../replies.js';
import { ANY, TRANSACTION, type CommandSpec } from './spec.js';

/** Exchange answers CAPA in every state, with the list for where the session is (decompiled Pop3RequestCapa). */
const CAPA: CommandSpec = {
  states: ANY,
  args: 'none',
  run: (c) => c.send(`+OK\r\n${listing(c.capabilities().lines)}`),
};

/** Port 110 only, before sign-in (RFC 2595 §4); anything the client pipelined behind it is dropped. */
const STLS: CommandSpec = {
  states: ['authorization'],
  args: 'none',
  tls: 'before',
  async run(c) {
    c.ok(TEXTS.beginTls.text);
    await c.startTls(c.ctx.secureContext);
  },
};

const NOOP: CommandSpec = {
  states: TRANSACTION,
  args: 'none',
  run: (c) => c.ok(),
};

const QUIT: CommandSpec = {
  states: ANY,
  args: 'none',
  async run(c) {
    const maildrop = c.state === 'transaction' ? c.maildrop : null;
    if (maildrop) {
      c.state = 'update';
      try {
        const removed = await maildrop.commit(c.ctx.mail, c);
        c.ctx.log.info({ proto: 'pop3', cid: c.id, removed }, 'update');
      } catch (error) {
        c.ctx.log.error({ proto: 'pop3', cid: c.id, err: error }, 'update failed');
        c.releaseMaildrop();
        c.err(TEXTS.serverUnavailable.text);
        return c.close();
      }
    }
    // The lock goes before the answer: a client that reconnects at once finds the mailbox free.
    c.releaseMaildrop();
    c.ok(TEXTS.signingOff.text);
    c.close();
  },
};

export const SESSION_COMMANDS: readonly [string, CommandSpec][] = [
  ['CAPA', CAPA],
  ['STLS', STLS],
  ['NOOP', NOOP],
  ['QUIT', QUIT],
];
