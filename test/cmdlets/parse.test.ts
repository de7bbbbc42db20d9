// The cmdlet line parser and the parameter binder, without a gateway: every syntax form the CLI
// accepts, and PowerShell's / Exchange's words for each line or argument it refuses.
import t from 'tap';
import { CmdletError } from '../../core/cmdlets/errors.js';
import { parseCmdletLine } from '../../core/cmdlets/parse.js';
import { bindParameters, findCmdlet, parseLine } from '../../core/cmdlets/registry.js';

/** The error a call throws, as a CmdletError. */
function failure(fn: () => unknown): CmdletError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CmdletError) return error;
    throw error;
  }
  throw new Error('expected a CmdletError');
}

t.test('every syntax form becomes the admin API shape { CmdletName, Parameters }', async (t) => {
  t.same(parseLine('Get-OrganizationConfig'), { CmdletName: 'Get-OrganizationConfig', Parameters: {} }, 'a bare cmdlet');
  t.same(parseLine('  Get-OrganizationConfig  '), { CmdletName: 'Get-OrganizationConfig', Parameters: {} }, 'surrounding spaces');
  t.same(parseLine('Set-TransportConfig -SmtpClientAuthenticationDisabled $false').Parameters, { SmtpClientAuthenticationDisabled: false }, '$false');
  t.same(parseLine('Set-TransportConfig -SmtpClientAuthenticationDisabled $TRUE').Parameters, { SmtpClientAuthenticationDisabled: true }, '$TRUE, any case');
  t.same(parseLine('Set-User alice -AuthenticationPolicy $null').Parameters, { Identity: 'alice', AuthenticationPolicy: null }, '$null, and -Identity by position');
  t.same(
    parseLine('New-AuthenticationPolicy -Name "Block Basic" -AllowBasicAuthImap -AllowBasicAuthPop:$false -AllowBasicAuthSmtp:$true').Parameters,
    { Name: 'Block Basic', AllowBasicAuthImap: true, AllowBasicAuthPop: false, AllowBasicAuthSmtp: true },
    'a bare switch is $true; -Switch:$false and -Switch:$true',
  );
  t.same(parseLine('New-AuthenticationPolicy -AllowBasicAuthImap Pol1').Parameters, { AllowBasicAuthImap: true, Name: 'Pol1' }, 'a switch does not take the next word: it is positional');
  t.same(parseLine("Get-User -Identity 'it''s'").Parameters, { Identity: "it's" }, "'' inside single quotes");
  t.same(parseLine('Get-User -Identity "say ""hi"" `"now`""').Parameters, { Identity: 'say "hi" "now"' }, '"" and `" inside double quotes');
  t.same(parseLine('Get-User -Identity "a`tb"').Parameters, { Identity: 'a\tb' }, 'backtick escapes');
  t.same(parseLine("Get-User -Identity '$literal'").Parameters, { Identity: '$literal' }, 'single quotes keep $ literal');
  t.same(parseLine('Add-MailboxPermission alice -User bob -AccessRights FullAccess,SendAs').Parameters, { Identity: 'alice', User: 'bob', AccessRights: ['FullAccess', 'SendAs'] }, 'a,b is a list');
  t.same(parseLine("Add-MailboxPermission alice -User bob -AccessRights 'FullAccess' , \"SendAs\"").Parameters.AccessRights, ['FullAccess', 'SendAs'], 'quoted items, spaces around the comma');
  t.same(parseLine('Get-User -ResultSize 10').Parameters, { ResultSize: 10 }, 'a bare number is a number');
  t.same(parseLine('Get-User -ResultSize Unlimited').Parameters, { ResultSize: 'Unlimited' }, 'a bare word is text');
  t.same(parseLine('get-user -ident alice').Parameters, { Identity: 'alice' }, 'names in any case, and a unique prefix');
  t.same(parseLine('Get-User -Identity: alice').Parameters, { Identity: 'alice' }, '-Param: value');
  t.same(parseLine('Get-User -Identity:alice@contoso.com').Parameters, { Identity: 'alice@contoso.com' }, '-Param:value');
  t.same(parseLine('New-ServicePrincipal -ServiceId 00000000-0000-0000-0000-0000000000b1 -AppId x').Parameters.ObjectId, '00000000-0000-0000-0000-0000000000b1', 'an alias binds to its parameter');
  t.same(parseLine('Remove-AuthenticationPolicy -Confirm:$false "Engineering Group"').Parameters, { Confirm: false, Identity: 'Engineering Group' }, 'common parameters');
  t.same(parseCmdletLine('Foo-Bar -X -Y 1 -Z'), { CmdletName: 'Foo-Bar', Parameters: { X: true, Y: 1, Z: true } }, 'without a schema, a name alone is a switch');
});

t.test('bad lines get PowerShell parser and binder errors', async (t) => {
  const cases: [string, string][] = [
    ['Get-User -Identity "alice', 'The string is missing the terminator: ".'],
    ["Get-User -Identity 'alice", "The string is missing the terminator: '."],
    ['Add-MailboxPermission alice -User bob -AccessRights FullAccess,', "Missing expression after ','."],
    ['', 'An empty pipe element is not allowed.'],
    ['Get-User -Identity', "Missing an argument for parameter 'Identity'. Specify a parameter of type 'System.String' and try again."],
    ['Set-TransportConfig -SmtpClientAuthenticationDisabled', "Missing an argument for parameter 'SmtpClientAuthenticationDisabled'. Specify a parameter of type 'System.Boolean' and try again."],
    ['Get-OrganizationConfig extra', "A positional parameter cannot be found that accepts argument 'extra'."],
    ['Get-User alice bob', "A positional parameter cannot be found that accepts argument 'bob'."],
    [
      'Get-User -Identity a -Identity b',
      `Cannot bind parameter because parameter 'Identity' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`,
    ],
    [
      'New-AuthenticationPolicy X -AllowBasicAuthO',
      "Parameter cannot be processed because the parameter name 'AllowBasicAuthO' is ambiguous. Possible matches include: -AllowBasicAuthOfflineAddressBook -AllowBasicAuthOutlookService.",
    ],
    [
      'frobnicate',
      "The term 'frobnicate' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.",
    ],
  ];
  for (const [line, text] of cases) t.equal(failure(() => parseLine(line)).message, text, JSON.stringify(line));
  for (const line of ['Get-User -Identity $alice', 'Get-User | Format-List', 'Get-User -Identity "$env:USER"', 'Get-User -Identity @("a")', 'Get-User; Get-User']) {
    const error = failure(() => parseLine(line));
    t.equal(error.kind, 'syntax', `${line}: refused as syntax`);
    t.match(error.message, /not supported here/, `${line}: says what is not supported`);
  }
});

t.test('the binder checks every argument against the cmdlet, in Exchange’s words', async (t) => {
  const bind = (line: string, surface: 'rest' | 'shell' = 'shell') => {
    const input = parseLine(line);
    return bindParameters(findCmdlet(input.CmdletName)!, input.Parameters, surface);
  };
  t.same(bind('Set-CASMailbox alice -ImapEnabled $false -SmtpClientAuthenticationDisabled $null'), { Identity: 'alice', ImapEnabled: false, SmtpClientAuthenticationDisabled: null });
  t.same(bind('Set-CASMailbox alice -ImapEnabled 0'), { Identity: 'alice', ImapEnabled: false }, 'numbers are booleans, as PowerShell converts them');
  t.same(bind('Add-MailboxPermission alice -User bob -AccessRights fullaccess'), { Identity: 'alice', User: 'bob', AccessRights: ['FullAccess'] }, 'enum names in any case');
  t.same(bind("New-ServicePrincipal -AppId '{00000000-0000-0000-0000-0000000000A1}' -ObjectId 00000000-0000-0000-0000-0000000000B1"), {
    AppId: '00000000-0000-0000-0000-0000000000a1',
    ObjectId: '00000000-0000-0000-0000-0000000000b1',
  }, 'GUIDs with braces, any case');

  const notFound = failure(() => bind('Set-OrganizationConfig -BasicAuthBlockedApps 0'));
  t.equal(notFound.message, "A parameter cannot be found that matches parameter name 'BasicAuthBlockedApps'.", 'read-only property: PowerShell text');
  t.equal(
    notFound.messageFor('rest'),
    'Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. BasicAuthBlockedApps',
    'and the admin API text',
  );
  t.equal(failure(() => bind('Set-AuthenticationPolicy X -Name Y')).message, "A parameter cannot be found that matches parameter name 'Name'.", 'a policy name cannot change');
  t.equal(
    failure(() => bind('Set-TransportConfig -SmtpClientAuthenticationDisabled maybe')).message,
    `Cannot process argument transformation on parameter 'SmtpClientAuthenticationDisabled'. Cannot convert value "System.String" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
  );
  t.equal(
    failure(() => bind('Add-MailboxPermission alice -User bob -AccessRights Owner')).message,
    `Cannot process argument transformation on parameter 'AccessRights'. Cannot convert value "Owner" to type "Microsoft.Exchange.Management.RecipientTasks.MailboxRights[]". Error: "Unable to match the identifier name Owner to a valid enumerator name. Specify one of the following enumerator names and try again: FullAccess, SendAs, ReadPermission"`,
  );
  t.equal(failure(() => bind('New-ServicePrincipal -AppId 00000000-0000-0000-0000-0000000000a1')).message, 'Cannot process command because of one or more missing mandatory parameters: ObjectId.');
  t.equal(failure(() => bind('Set-CASMailbox')).message, 'Cannot process command because of one or more missing mandatory parameters: Identity.');
  t.match(failure(() => bind('New-ServicePrincipal -AppId nope -ObjectId 00000000-0000-0000-0000-0000000000b1')).message, /Cannot convert value "nope" to type "System.Guid"/);
  t.equal(
    failure(() => bind('Set-CASMailbox alice -ImapEnabled $null')).message,
    `Cannot process argument transformation on parameter 'ImapEnabled'. Cannot convert value "" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
    '$null where the parameter takes none',
  );
  t.equal(
    failure(() => bind('Get-User -Identity $null')).message,
    "Cannot validate argument on parameter 'Identity'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.",
  );
  t.equal(failure(() => bindParameters(findCmdlet('Get-User')!, { Ident: 'x' }, 'rest')).kind, 'parameter', 'the admin API binds names exactly: no prefixes');
  t.same(bindParameters(findCmdlet('Get-User')!, { identity: 'x' }, 'rest'), { Identity: 'x' }, 'but in any case');
});
