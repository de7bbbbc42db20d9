// `exogate cmdlet "<line>" --tenant <t>` against a gateway started in the test with a data folder:
// Format-List and JSON output, the change reaching a real SMTP AUTH answer at once, cmdlet errors
// on stderr with exit code 1, and its help.
import { join } from 'node:path';
import t from 'tap';
import { run, tempDir } from '../cli/cli.js';
import { bootGateway } from '../helpers/gateway.js';
import { CMDLET_SEED, SMTP, smtpLogin, USERS } from './helpers.js';

t.setTimeout(300_000);

t.test('exogate cmdlet', async (t) => {
  const data = join(tempDir(t), 'data');
  const gw = await bootGateway(t, { seed: CMDLET_SEED, dataDir: data });
  const cmdlet = (line: string, ...extra: string[]) => run(['cmdlet', line, '--data', data, ...extra], { timeoutMs: 60_000 });

  await t.test('Set-TransportConfig -SmtpClientAuthenticationDisabled $false changes SMTP AUTH at once', async (t) => {
    t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.ops), SMTP.tenantDisabled, 'before');
    const set = await cmdlet('Set-TransportConfig -SmtpClientAuthenticationDisabled $false', '--tenant', 'fabrikam');
    t.equal(set.code, 0, `exit 0 ${set.stderr}`);
    t.equal(set.stdout, '', 'a Set- cmdlet prints nothing');
    t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.ops), SMTP.ok, 'right after');
    const get = await cmdlet('Get-TransportConfig', '--tenant', 'fabrikam.com');
    t.equal(get.code, 0);
    t.equal(get.stdout, '\nIdentity                         : Transport Settings\nSmtpClientAuthenticationDisabled : False\nSmtpBasicAuthReEnabled           : False\n\n', 'Format-List');
  });

  await t.test('Get-OrganizationConfig shows the blocked apps; --json', async (t) => {
    const list = await cmdlet('Get-OrganizationConfig', '--tenant', 'litware');
    t.equal(list.code, 0);
    t.match(list.stdout, /^BasicAuthBlockedApps\s+: Pop, Imap$/m, 'Format-List');
    t.match(list.stdout, /^IsDehydrated\s+: False$/m);
    t.match(list.stdout, /^DefaultAuthenticationPolicy\s+:$/m, '$null shows blank');
    t.notMatch(list.stdout, /@/, 'OData annotations are not shown');
    const json = await cmdlet('Get-OrganizationConfig', '--tenant', 'litware', '--json');
    t.equal(json.code, 0);
    t.match(JSON.parse(json.stdout), [{ BasicAuthBlockedApps: 'Pop, Imap', 'BasicAuthBlockedApps@exogate.flags': 12, IsDehydrated: false }]);
  });

  await t.test('New-AuthenticationPolicy with PowerShell syntax, then Get-', async (t) => {
    const created = await cmdlet('New-AuthenticationPolicy "Allow IMAP" -AllowBasicAuthImap -AllowBasicAuthPop:$false', '--tenant', 'contoso');
    t.equal(created.code, 0, created.stderr);
    t.match(created.stdout, /^Name\s+: Allow IMAP$/m);
    t.match(created.stdout, /^AllowBasicAuthImap\s+: True$/m);
    t.match(created.stdout, /^AllowBasicAuthPop\s+: False$/m);
    const json = await cmdlet("Get-AuthenticationPolicy -Identity 'allow imap'", '--tenant', 'contoso', '--json');
    t.match(JSON.parse(json.stdout), [{ Name: 'Allow IMAP', AllowBasicAuthImap: true, AllowBasicAuthSmtp: false }]);
  });

  await t.test('errors: the text on stderr, exit code 1', async (t) => {
    const cases: [string[], RegExp][] = [
      [['Get-User nobody', '--tenant', 'contoso'], /^Get-User: The operation couldn't be performed because object 'nobody' couldn't be found on '[^']+'\.\n$/],
      [['Set-OrganizationConfig -BasicAuthBlockedApps 0', '--tenant', 'contoso'], /^Set-OrganizationConfig: A parameter cannot be found that matches parameter name 'BasicAuthBlockedApps'\.\n$/],
      [['New-AuthenticationPolicy X', '--tenant', 'fabrikam'], /^New-AuthenticationPolicy: The command you tried to run isn't currently allowed in your organization\. To run this command, you first need to run the command: Enable-OrganizationCustomization\.\n$/],
      [['Get-User -Identity "alice', '--tenant', 'contoso'], /^Get-User: The string is missing the terminator: "\.\n$/],
      [['Get-Frobnicator', '--tenant', 'contoso'], /^Get-Frobnicator: The term 'Get-Frobnicator' is not recognized as a name of a cmdlet/],
      [['Get-OrganizationConfig', '--tenant', 'nowhere'], /no tenant nowhere/],
    ];
    for (const [args, stderr] of cases) {
      const res = await cmdlet(args[0], ...args.slice(1));
      t.equal(res.code, 1, `${args[0]}: exit code 1`);
      t.match(res.stderr, stderr, `${args[0]}: the error text`);
      t.equal(res.stdout, '', `${args[0]}: nothing on stdout`);
    }
    const enable = await cmdlet('Enable-OrganizationCustomization', '--tenant', 'fabrikam');
    t.equal(enable.code, 0, 'Enable-OrganizationCustomization runs once');
    const again = await cmdlet('Enable-OrganizationCustomization', '--tenant', 'fabrikam');
    t.equal(again.code, 1);
    t.equal(again.stderr, 'Enable-OrganizationCustomization: This operation is not required. Organization is already enabled for customization.\n', 'and the second run errors');
  });

  await t.test('--help documents the command', async (t) => {
    const help = await run(['cmdlet', '--help']);
    t.equal(help.code, 0);
    for (const text of ['--tenant <tenant>', '--json', '--data <dir>', 'Set-TransportConfig -SmtpClientAuthenticationDisabled $false', 'Format-List', 'exit code is 1']) t.match(help.stdout, text, text);
    const top = await run(['--help']);
    t.match(top.stdout, /^\s+cmdlet\b/m, 'exogate --help lists it');
  });
});
