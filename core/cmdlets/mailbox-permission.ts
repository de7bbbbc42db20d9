// Add-/Get-MailboxPermission (and Add-RecipientPermission for SendAs): who may open or send as a
// mailbox. The auth core reads these for app-only tokens and for a user naming another mailbox
// (reference §8.2).
import type { MailboxPermission, User } from '../tenants/model.js';
import { findTrustee, findUser } from './identity.js';
import { IDENTITY, BOOL, STRING, type CmdletContext, type CmdletObject, type CmdletSpec, type ParamSpec } from './spec.js';

type Right = MailboxPermission['rights'];

/**
 * The rights exogate models. Exchange's MailboxRights enum also has ChangeOwner, ChangePermission,
 * DeleteItem and ExternalAccount, which no protocol here reads; SendAs belongs to
 * Add-RecipientPermission in Exchange Online and is accepted here too, as the issue asks.
 */
const MAILBOX_RIGHTS: readonly Right[] = ['FullAccess', 'SendAs', 'ReadPermission'];
const RIGHTS_TYPE = 'Microsoft.Exchange.Management.RecipientTasks.MailboxRights[]';

/** A stored trustee id as Get-MailboxPermission shows it: a user's UPN, else the id itself (a service principal's object id). */
function trusteeShown(ctx: CmdletContext, trustee: string): string {
  const user = ctx.directory.userById(trustee);
  return user && user.tenantId === ctx.tenant.id ? user.upn : trustee;
}

function row(mailbox: User, user: string, rights: string[]): CmdletObject {
  return { Identity: mailbox.upn, User: user, AccessRights: rights, IsInherited: false, Deny: false };
}

async function grant(ctx: CmdletContext, mailbox: User, trustee: string, rights: Right[]): Promise<void> {
  await ctx.directory.write(async (w) => {
    for (const r of rights) await w.addMailboxPermission(ctx.tenant, { mailboxUserId: mailbox.id, trustee, rights: r }, ctx.now);
  });
}

const ACCESS_RIGHTS: ParamSpec = { type: { kind: 'enum', type: RIGHTS_TYPE, values: MAILBOX_RIGHTS, array: true }, mandatory: true };

export const MAILBOX_PERMISSION_CMDLETS: CmdletSpec[] = [
  {
    name: 'Add-MailboxPermission',
    writes: true,
    params: {
      Identity: IDENTITY,
      User: { ...STRING, mandatory: true },
      AccessRights: ACCESS_RIGHTS,
      // Accepted as scripts pass them; nothing here depends on them.
      InheritanceType: STRING,
      AutoMapping: BOOL,
    },
    async run(ctx, args) {
      const mailbox = findUser(ctx, String(args.Identity));
      const trustee = findTrustee(ctx, String(args.User));
      const rights = args.AccessRights as Right[];
      await grant(ctx, mailbox, trustee.id, rights);
      return [row(mailbox, trustee.shown, rights)];
    },
  },
  {
    name: 'Get-MailboxPermission',
    writes: false,
    params: { Identity: IDENTITY, User: STRING },
    run(ctx, args) {
      const mailbox = findUser(ctx, String(args.Identity));
      const granted = ctx.tenant.mailboxPermissions.get(mailbox.id) ?? [];
      const byTrustee = new Map<string, string[]>();
      for (const p of granted) byTrustee.set(p.trustee, [...(byTrustee.get(p.trustee) ?? []), p.rights]);
      // Every mailbox lists its owner's own access first, as Exchange shows it.
      const rows = [row(mailbox, 'NT AUTHORITY\\SELF', ['FullAccess', 'ReadPermission'])];
      for (const [trustee, rights] of byTrustee) rows.push(row(mailbox, trusteeShown(ctx, trustee), rights));
      if (args.User === undefined) return rows;
      const wanted = findTrustee(ctx, String(args.User)).shown;
      return rows.filter((r) => r.User === wanted);
    },
  },
  {
    name: 'Add-RecipientPermission',
    writes: true,
    params: {
      Identity: IDENTITY,
      Trustee: { ...STRING, mandatory: true },
      AccessRights: { type: { kind: 'enum', type: 'Microsoft.Exchange.Management.RecipientTasks.RecipientAccessRight[]', values: ['SendAs'], array: true }, mandatory: true },
    },
    async run(ctx, args) {
      const mailbox = findUser(ctx, String(args.Identity));
      const trustee = findTrustee(ctx, String(args.Trustee));
      await grant(ctx, mailbox, trustee.id, ['SendAs']);
      return [{ Identity: mailbox.upn, Trustee: trustee.shown, AccessControlType: 'Allow', AccessRights: ['SendAs'], IsInherited: false, InheritanceType: 'None' }];
    },
  },
];

