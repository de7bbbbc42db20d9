// Get-User and Set-User -AuthenticationPolicy (reference §6.1: a user's assignment beats the
// organization's default; $null removes it).
import type { User } from '../tenants/model.js';
import { aliasOf, allUsers, findPolicy, findUser } from './identity.js';
import { IDENTITY, OPTIONAL_IDENTITY, RESULT_SIZE, STRING, type BoundValue, type CmdletContext, type CmdletObject, type CmdletSpec } from './spec.js';

function render(ctx: CmdletContext, user: User): CmdletObject {
  return {
    Name: aliasOf(user),
    DisplayName: user.displayName,
    UserPrincipalName: user.upn,
    Identity: aliasOf(user),
    RecipientTypeDetails: 'UserMailbox',
    AuthenticationPolicy: user.settings.get('authenticationPolicy', ctx.now),
    ExternalDirectoryObjectId: user.id,
  };
}

/** -ResultSize: a number caps the list; Unlimited (or none) does not. */
export function limit<T>(items: T[], resultSize: BoundValue | undefined): T[] {
  return typeof resultSize === 'number' ? items.slice(0, Math.max(0, resultSize)) : items;
}

export const USER_CMDLETS: CmdletSpec[] = [
  {
    name: 'Get-User',
    writes: false,
    params: { Identity: OPTIONAL_IDENTITY, ResultSize: RESULT_SIZE },
    run(ctx, args) {
      const users = args.Identity === undefined ? limit(allUsers(ctx), args.ResultSize) : [findUser(ctx, String(args.Identity))];
      return users.map((u) => render(ctx, u));
    },
  },
  {
    name: 'Set-User',
    writes: true,
    params: { Identity: IDENTITY, AuthenticationPolicy: { ...STRING, nullable: true } },
    async run(ctx, args) {
      const user = findUser(ctx, String(args.Identity));
      if (args.AuthenticationPolicy === undefined) return [];
      const name = args.AuthenticationPolicy === null ? null : findPolicy(ctx, String(args.AuthenticationPolicy)).name;
      await ctx.directory.write((w) => w.setUser(user, 'authenticationPolicy', name, ctx.now, ctx.now));
      return [];
    },
  },
];
