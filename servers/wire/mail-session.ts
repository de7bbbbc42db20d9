// What IMAP and POP3 sessions read the same way from the gateway's limits and clock.
import type { Clock } from '../../core/clock.js';
import type { Limits } from '../../core/config.js';
import { eraAt, type FrontEndEra } from '../../core/eras.js';
import type { FrontEnd } from '../../core/frontends.js';
import type { LineReaderLimits } from './line-reader.js';
import type { WireLimits } from './connection.js';

/** The IMAP/POP3 front end's era: by the emulated date, unless the gateway pins it (§2.1-§2.4). */
export function frontEndEra(limits: Limits, clock: Clock): FrontEndEra {
  return limits.mailFrontEnd === 'auto' ? eraAt('frontEnd', clock.now()) : limits.mailFrontEnd;
}

/** Timeouts and command rate shared by IMAP and POP3, with the protocol's own reader limits. */
export function mailWireLimits(limits: Limits, reader: Omit<LineReaderLimits, 'maxLineBytes'>): WireLimits {
  return {
    reader: { maxLineBytes: limits.mailMaxLineBytes, ...reader },
    preAuthIdleMs: limits.mailPreAuthIdleMs,
    idleMs: limits.mailIdleMs,
    commandsPerSecond: limits.mailCommandsPerSecond,
    commandBurst: limits.mailCommandBurst,
  };
}

/** The front end's name as both greetings carry it: upper-case, UTF-16LE, base64. */
export function greetingFqdn(frontEnd: FrontEnd): string {
  return Buffer.from(frontEnd.fqdn.toUpperCase(), 'utf16le').toString('base64');
}
