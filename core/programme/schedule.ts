// The proactive disablement's own numbers (reference §0, §7 "June 2021"): how far back the job
// looks for Basic usage, how long a notice runs before the switch-off, and when past opt-outs
// and re-enables were archived. Dates of the programme's phases live in core/eras.ts.
import { ERAS } from '../eras.js';

export const DAY_MS = 86_400_000;

/** A Message Center notice announces the switch-off this long before it happens (§0: 30 days). */
export const NOTICE_PERIOD_MS = 30 * DAY_MS;

/**
 * "No usage" means no successful Basic sign-in over this window (choice: the reference says only
 * "tenants with no Basic usage in a protocol"; 30 days matches the notice period and the monthly
 * usage reports of MC312373). A tenant younger than the window is not judged yet.
 */
export const USAGE_LOOKBACK_MS = 30 * DAY_MS;

/** How often the job looks at the clock while it runs in real time (jumps run it at once). */
export const JOB_INTERVAL_MS = 60_000;

/** MC424238 (1 Sept 2022): "past re-enable/opt-out requests archived" — the opt-out window's first instant. */
export const ARCHIVE_AT = Date.parse(ERAS.programmePhase.find((r) => r.value === 'opt-out-window')!.from);

/** Midnight UTC of the day holding t. */
export function dayStart(t: number): number {
  return t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
}
