// Get-/Set-TransportConfig: the organization's SMTP AUTH switch (reference §6.3), and exogate's
// stand-in for the UNCONFIRMED switch that turns Basic SMTP AUTH back on once it is off by
// default (§4.4; core/tenants/model.ts smtpBasicAuthReenabled).
import { BOOL, type CmdletSpec } from './spec.js';

export const TRANSPORT_CMDLETS: CmdletSpec[] = [
  {
    name: 'Get-TransportConfig',
    writes: false,
    params: {},
    run: ({ tenant, now }) => [
      {
        Identity: 'Transport Settings',
        SmtpClientAuthenticationDisabled: tenant.org.get('smtpClientAuthenticationDisabled', now),
        SmtpBasicAuthReEnabled: tenant.org.get('smtpBasicAuthReenabled', now),
      },
    ],
  },
  {
    name: 'Set-TransportConfig',
    writes: true,
    params: { SmtpClientAuthenticationDisabled: BOOL, SmtpBasicAuthReEnabled: BOOL },
    async run(ctx, args) {
      const { tenant, now } = ctx;
      await ctx.directory.write(async (w) => {
        if (typeof args.SmtpClientAuthenticationDisabled === 'boolean') await w.setOrg(tenant, 'smtpClientAuthenticationDisabled', args.SmtpClientAuthenticationDisabled, now, now);
        if (typeof args.SmtpBasicAuthReEnabled === 'boolean') await w.setOrg(tenant, 'smtpBasicAuthReenabled', args.SmtpBasicAuthReEnabled, now, now);
      });
      return [];
    },
  },
];
