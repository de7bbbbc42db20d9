// SASL mechanisms of SMTP AUTH (reference §4.1, §8.3) as a small table. Each mechanism turns
// the client's lines into one credential and hands it back; the connection asks the auth core.
// Exchange Online advertises `LOGIN XOAUTH2`; PLAIN is accepted unless strict, so PLAIN-only
// test scripts work. A failed XOAUTH2 gets a plain 535 5.7.3, never Gmail's 334 JSON challenge.
import { decodeBase64, parsePlain, parseXoauth2 } from '../wire/sasl.js';
import type { EventKey } from './replies.js';

export type Credential =
  | { kind: 'basic'; mechanism: 'LOGIN' | 'PLAIN'; username: string; secret: string }
  | { kind: 'oauth'; mechanism: 'XOAUTH2'; username: string; token: string };

/** What a mechanism may do with the connection while it runs. */
export interface SaslSteps {
  /** Send a 334 prompt (or any event reply) and wait for the next client line. */
  prompt(key: EventKey, next: (line: string) => void): void;
  /** The exchange is over: authenticate this credential. */
  done(credential: Credential): void;
  /** The exchange failed before a credential: answer with this event. */
  fail(key: EventKey): void;
}

export type Mechanism = (initial: string | undefined, steps: SaslSteps) => void;

/** A lone "*" cancels an exchange (RFC 4954 §4). */
const cancelled = (line: string) => line.trim() === '*';

function withLine(line: string, steps: SaslSteps, use: (decoded: string) => void): void {
  if (cancelled(line)) return steps.fail('authCancelled');
  const decoded = decodeBase64(line);
  if (decoded === undefined) return steps.fail('cannotDecode');
  use(decoded);
}

export const MECHANISMS: ReadonlyMap<string, Mechanism> = new Map<string, Mechanism>([
  [
    'LOGIN',
    (initial, steps) => {
      const askPassword = (username: string) =>
        steps.prompt('passwordPrompt', (line) => withLine(line, steps, (secret) => steps.done({ kind: 'basic', mechanism: 'LOGIN', username, secret })));
      if (initial !== undefined) return withLine(initial, steps, askPassword);
      steps.prompt('usernamePrompt', (line) => withLine(line, steps, askPassword));
    },
  ],
  [
    'PLAIN',
    (initial, steps) => {
      const use = (decoded: string) => {
        const plain = parsePlain(decoded);
        if (!plain) return steps.fail('cannotDecode');
        steps.done({ kind: 'basic', mechanism: 'PLAIN', username: plain.username, secret: plain.secret });
      };
      if (initial !== undefined && initial !== '=') return withLine(initial, steps, use);
      steps.prompt('continueAuth', (line) => withLine(line, steps, use));
    },
  ],
  [
    'XOAUTH2',
    (initial, steps) => {
      const use = (decoded: string) => {
        const parsed = parseXoauth2(decoded);
        // A payload without a bearer token is a failed sign-in, not a syntax error (535 5.7.3).
        steps.done({ kind: 'oauth', mechanism: 'XOAUTH2', username: parsed?.username ?? '', token: parsed?.token ?? '' });
      };
      if (initial !== undefined) return withLine(initial, steps, use);
      steps.prompt('continueAuth', (line) => withLine(line, steps, use));
    },
  ],
]);

/** Exchange Online's advertised mechanisms, in its order (reference §4.1). */
export const ADVERTISED_MECHANISMS = ['LOGIN', 'XOAUTH2'] as const;
