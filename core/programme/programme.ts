// The deprecation programme as one object the gateway builds and the HTTP routes use: the job
// on the emulated clock, the Message Center / Service Health store it posts to, the
// self-service diagnostic, and the usage report (DESIGN.md "The programme").
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Limits } from '../config.js';
import type { SignInWriter } from '../signins/writer.js';
import type { Sql } from '../store/sql.js';
import type { Directory } from '../tenants/directory.js';
import { Diagnostic } from './diagnostic.js';
import { ProgrammeJobs } from './jobs.js';
import { Notices } from './notices.js';
import { JOB_INTERVAL_MS } from './schedule.js';
import { basicClients, dailyUsage, type ClientUsage, type DailyUsage, type UsageQuery } from './usage.js';

export interface ProgrammeDeps {
  sql: Sql;
  clock: Clock;
  directory: Directory;
  signIns: SignInWriter;
  limits: Pick<Limits, 'diagnosticPropagationMs'>;
  log?: Logger;
}

export class Programme {
  readonly notices: Notices;
  readonly jobs: ProgrammeJobs;
  readonly diagnostic: Diagnostic;

  constructor(readonly deps: ProgrammeDeps) {
    this.notices = new Notices(deps.sql);
    this.jobs = new ProgrammeJobs({ ...deps, notices: this.notices });
    this.diagnostic = new Diagnostic({ ...deps, jobs: this.jobs });
  }

  /** Catches up with the clock, then follows its jumps and real time. */
  start(intervalMs = JOB_INTERVAL_MS): Promise<void> {
    return this.jobs.start(intervalMs);
  }

  close(): Promise<void> {
    return this.jobs.close();
  }

  /** Per protocol per day (Basic and OAuth), and who used Basic with which client. */
  async usage(q: UsageQuery): Promise<{ days: DailyUsage[]; clients: ClientUsage[] }> {
    await this.deps.signIns.flush();
    const [days, clients] = await Promise.all([dailyUsage(this.deps.sql, q), basicClients(this.deps.sql, q)]);
    return { days, clients };
  }
}
