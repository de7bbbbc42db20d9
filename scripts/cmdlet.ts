// `exogate cmdlet "<line>" --tenant <t>`: runs one Exchange-style cmdlet line against a running
// gateway's tenant through the control API, and prints the objects as PowerShell's Format-List
// does (or as JSON). A cmdlet error goes to stderr as PowerShell 7 prints it, with exit code 1.
import { formatList } from '../core/cmdlets/render.js';
import type { CmdletObject } from '../core/cmdlets/spec.js';
import { httpsCall, readEndpoints } from './lib/client.js';

export interface CmdletOptions {
  tenant: string;
  data?: string;
  endpoints?: string;
  json?: boolean;
}

/** Thrown for a cmdlet's own refusal, so the CLI prints it without the `exogate:` prefix. */
export class CmdletFailed extends Error {}

export async function runCmdletCommand(line: string, opts: CmdletOptions): Promise<void> {
  const endpoints = readEndpoints(opts);
  const res = await httpsCall(endpoints, 'POST', '/_exogate/cmdlet', {
    control: true,
    body: JSON.stringify({ tenant: opts.tenant, line }),
    headers: { 'content-type': 'application/json' },
  });
  let parsed: { cmdlet?: string; value?: CmdletObject[]; error?: string };
  try {
    parsed = JSON.parse(res.body) as typeof parsed;
  } catch {
    throw new Error(`the gateway answered HTTP ${res.status} without JSON`);
  }
  if (res.status !== 200) {
    if (parsed.cmdlet && parsed.error) throw new CmdletFailed(`${parsed.cmdlet}: ${parsed.error}`);
    throw new Error(parsed.error ?? `HTTP ${res.status}`);
  }
  const objects = parsed.value ?? [];
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatList(objects));
}
