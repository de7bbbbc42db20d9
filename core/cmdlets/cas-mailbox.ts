// Get-/Set-CASMailbox: the per-mailbox protocol switches (reference §6.4) and the mailbox's
// SMTP AUTH tri-state (§6.3: $null inherits the organization, and the mailbox's value wins).
import { PROTOCOLS, type CasMailboxSwitch } from '../protocols.js';
import type { User } from '../tenants/model.js';
import { aliasOf, allUsers, findUser } from './identity.js';
import { BOOL, IDENTITY, OPTIONAL_IDENTITY, RESULT_SIZE, type CmdletContext, type CmdletObject, type CmdletSpec, type ParamSpec } from './spec.js';
import { limit } from './user.js';

/** Every CASMailbox switch the protocol catalogue names, once, in Get-CASMailbox's order. */
const SWITCHES: readonly CasMailboxSwitch[] = ['ActiveSyncEnabled', 'PopEnabled', 'ImapEnabled', 'MAPIEnabled', 'EwsEnabled'].filter((s) =>
  Object.values(PROTOCOLS).some((p) => p.casMailboxSwitch === s),
) as CasMailboxSwitch[];

function render(ctx: CmdletContext, user: User): CmdletObject {
  const out: CmdletObject = { Name: aliasOf(user), Identity: aliasOf(user), PrimarySmtpAddress: user.upn };
  for (const s of SWITCHES) out[s] = user.settings.get(s, ctx.now);
  out.SmtpClientAuthenticationDisabled = user.settings.get('SmtpClientAuthenticationDisabled', ctx.now);
  return out;
}

const SET_PARAMS: Record<string, ParamSpec> = {
  Identity: IDENTITY,
  ...Object.fromEntries(SWITCHES.map((s) => [s, BOOL])),
  SmtpClientAuthenticationDisabled: { ...BOOL, nullable: true },
};

export const CAS_MAILBOX_CMDLETS: CmdletSpec[] = [
  {
    name: 'Get-CASMailbox',
    writes: false,
    params: { Identity: OPTIONAL_IDENTITY, ResultSize: RESULT_SIZE },
    run(ctx, args) {
      const users = args.Identity === undefined ? limit(allUsers(ctx), args.ResultSize) : [findUser(ctx, String(args.Identity))];
      return users.map((u) => render(ctx, u));
    },
  },
  {
    name: 'Set-CASMailbox',
    writes: true,
    params: SET_PARAMS,
    async run(ctx, args) {
      const user = findUser(ctx, String(args.Identity));
      await ctx.directory.write(async (w) => {
        for (const s of SWITCHES) if (typeof args[s] === 'boolean') await w.setUser(user, s, args[s] as boolean, ctx.now, ctx.now);
        const smtp = args.SmtpClientAuthenticationDisabled;
        if (smtp !== undefined) await w.setUser(user, 'SmtpClientAuthenticationDisabled', smtp as boolean | null, ctx.now, ctx.now);
      });
      return [];
    },
  },
];
