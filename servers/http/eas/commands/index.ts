// The commands this server answers, in one map (Cmd= → spec). Commands Exchange lists in
// MS-ASProtocolCommands but that are not built here answer 501 (see ../replies.ts).
import { getItemEstimate } from './estimate.js';
import { folderSync } from './foldersync.js';
import { pingCommand } from './ping.js';
import { provision } from './provision.js';
import { sendMail } from './sendmail.js';
import { settings } from './settings.js';
import type { CommandSpec } from './spec.js';
import { sync } from './sync.js';

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  [provision, folderSync, sync, sendMail, pingCommand, getItemEstimate, settings].map((c) => [c.name.toLowerCase(), c]),
);
