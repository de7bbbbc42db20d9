// Provision (MS-ASPROV): the two-phase policy handshake. Phase one (no PolicyKey) returns the
// policy document and a temporary key; phase two acknowledges that key and gets the final one,
// which every later command must carry in X-MS-PolicyKey (see ../routes.ts).
import { randomInt } from 'node:crypto';
import { POLICY_STATUS, PROVISION_STATUS } from '../replies.js';
import { all, childText, first, ns } from '../wbxml/tree.js';
import { reply, type CommandSpec } from './spec.js';
import { recordDeviceInformation } from './settings.js';

const prov = ns('Provision');
const settings = ns('Settings');

export const POLICY_TYPE = 'MS-EAS-Provisioning-WBXML';

/**
 * Exchange Online's "Default" mobile device mailbox policy as a device receives it (no password
 * required, everything allowed). UNCONFIRMED: no Exchange Online capture; these are the values of
 * the Default policy's settings as Get-MobileDeviceMailboxPolicy shows them, in MS-ASPROV's order.
 */
const DEFAULT_POLICY: readonly (readonly [string, string | null])[] = [
  ['DevicePasswordEnabled', '0'],
  ['AlphanumericDevicePasswordRequired', '0'],
  ['PasswordRecoveryEnabled', '0'],
  ['RequireStorageCardEncryption', '0'],
  ['AttachmentsEnabled', '1'],
  ['MinDevicePasswordLength', null],
  ['MaxInactivityTimeDeviceLock', null],
  ['MaxDevicePasswordFailedAttempts', null],
  ['MaxAttachmentSize', null],
  ['AllowSimpleDevicePassword', '1'],
  ['DevicePasswordExpiration', null],
  ['DevicePasswordHistory', '0'],
  ['AllowStorageCard', '1'],
  ['AllowCamera', '1'],
  ['RequireDeviceEncryption', '0'],
  ['AllowUnsignedApplications', '1'],
  ['AllowUnsignedInstallationPackages', '1'],
  ['MinDevicePasswordComplexCharacters', '1'],
  ['AllowWiFi', '1'],
  ['AllowTextMessaging', '1'],
  ['AllowPOPIMAPEmail', '1'],
  ['AllowBluetooth', '2'],
  ['AllowIrDA', '1'],
  ['RequireManualSyncWhenRoaming', '0'],
  ['AllowDesktopSync', '1'],
  ['MaxCalendarAgeFilter', '0'],
  ['AllowHTMLEmail', '1'],
  ['MaxEmailAgeFilter', '0'],
  ['MaxEmailBodyTruncationSize', '-1'],
  ['MaxEmailHTMLBodyTruncationSize', '-1'],
  ['RequireSignedSMIMEMessages', '0'],
  ['RequireEncryptedSMIMEMessages', '0'],
  ['RequireSignedSMIMEAlgorithm', '0'],
  ['RequireEncryptionSMIMEAlgorithm', '0'],
  ['AllowSMIMEEncryptionAlgorithmNegotiation', '2'],
  ['AllowSMIMESoftCerts', '1'],
  ['AllowBrowser', '1'],
  ['AllowConsumerEmail', '1'],
  ['AllowRemoteDesktop', '1'],
  ['AllowInternetSharing', '1'],
  ['UnapprovedInROMApplicationList', null],
  ['ApprovedApplicationList', null],
];

export const policyDocument = () => prov('EASProvisionDoc', ...DEFAULT_POLICY.map(([name, value]) => (value === null ? prov(name) : prov(name, value))));

/** A policy key: a non-zero 32-bit number (MS-ASPROV §2.2.2.42). */
const newPolicyKey = () => String(randomInt(1, 0xffffffff));

export const provision: CommandSpec = {
  name: 'Provision',
  beforeProvisioning: true,
  root: ['Provision', 'Provision'],
  async handle(req) {
    const doc = req.doc;
    if (!doc || doc.ns !== 'Provision' || doc.tag !== 'Provision') return reply(prov('Provision', prov('Status', PROVISION_STATUS.protocolError)));
    const info = first(doc, 'DeviceInformation', 'Settings');
    const infoReply = info && settings('DeviceInformation', settings('Status', recordDeviceInformation(req.device, info)));
    // A wipe acknowledgement: nothing was asked to wipe here, so it is simply taken.
    if (first(doc, 'RemoteWipe')) return reply(prov('Provision', prov('Status', PROVISION_STATUS.success)));
    const policies = all(first(doc, 'Policies'), 'Policy');
    if (policies.length !== 1) return reply(prov('Provision', infoReply, prov('Status', PROVISION_STATUS.protocolError)));
    const policy = policies[0];
    const type = childText(policy, 'PolicyType');
    const answer = (...children: Parameters<typeof prov>[1][]) =>
      reply(prov('Provision', infoReply, prov('Status', PROVISION_STATUS.success), prov('Policies', prov('Policy', prov('PolicyType', type ?? ''), ...children))));
    if (type !== POLICY_TYPE) return answer(prov('Status', POLICY_STATUS.unknownPolicyType));

    const acknowledged = childText(policy, 'PolicyKey');
    if (acknowledged === undefined) {
      const pending = newPolicyKey();
      req.device.policy = { ...req.device.policy, pending };
      return answer(prov('Status', POLICY_STATUS.success), prov('PolicyKey', pending), prov('Data', policyDocument()));
    }
    if (!req.device.policy.pending || acknowledged !== req.device.policy.pending) return answer(prov('Status', POLICY_STATUS.wrongPolicyKey));
    const key = newPolicyKey();
    req.device.policy = { key };
    return answer(prov('Status', POLICY_STATUS.success), prov('PolicyKey', key));
  },
};
