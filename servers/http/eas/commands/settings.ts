// Settings (MS-ASCMD §2.2.1.18): the device tells who it is (DeviceInformation Set) and asks
// who the user is (UserInformation Get). Out of office and device passwords are not kept.
import type { DeviceState } from '../state.js';
import { SETTINGS_STATUS } from '../replies.js';
import type { WbxmlElement } from '../wbxml/codec.js';
import { first, isElement, ns, text } from '../wbxml/tree.js';
import { reply, type CommandSpec } from './spec.js';

const s = ns('Settings');

/** Keeps a DeviceInformation Set (model, OS, user agent ...) on the device's state; returns its status. */
export function recordDeviceInformation(device: DeviceState, info: WbxmlElement): number {
  const set = first(info, 'Set');
  if (!set) return SETTINGS_STATUS.protocolError;
  for (const child of set.children) if (isElement(child)) device.info[child.tag] = (text(child) ?? '').slice(0, 1024);
  return SETTINGS_STATUS.success;
}

export const settings: CommandSpec = {
  name: 'Settings',
  root: ['Settings', 'Settings'],
  async handle(req) {
    const doc = req.doc;
    if (!doc || doc.ns !== 'Settings' || doc.tag !== 'Settings') return reply(s('Settings', s('Status', SETTINGS_STATUS.protocolError)));
    const parts = [];
    const info = first(doc, 'DeviceInformation');
    if (info) parts.push(s('DeviceInformation', s('Status', recordDeviceInformation(req.device, info))));
    if (first(first(doc, 'UserInformation'), 'Get')) {
      const address = req.mailbox.upn;
      const addresses = req.version >= 14.1 ? s('Accounts', s('Account', s('UserDisplayName', req.mailbox.displayName || address), s('EmailAddresses', s('PrimarySmtpAddress', address)))) : s('EmailAddresses', s('SMTPAddress', address));
      parts.push(s('UserInformation', s('Status', SETTINGS_STATUS.success), s('Get', addresses)));
    }
    // Oof and DevicePassword: acknowledged, not stored.
    for (const name of ['Oof', 'DevicePassword']) if (first(doc, name)) parts.push(s(name, s('Status', SETTINGS_STATUS.success)));
    return reply(s('Settings', s('Status', SETTINGS_STATUS.success), ...parts));
  },
};
