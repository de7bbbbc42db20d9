// The parameters of an ActiveSync request (MS-ASHTTP §2.2.1.1.1): the plain query form
// `?Cmd=Sync&User=..&DeviceId=..&DeviceType=..` with the MS-ASProtocolVersion and X-MS-PolicyKey
// headers, or the base64-encoded query form that carries all of them in one binary blob.
import type { Request } from 'express';

export interface EasParams {
  cmd?: string;
  user?: string;
  deviceId?: string;
  deviceType?: string;
  /** MS-ASProtocolVersion, e.g. "16.1". */
  version?: string;
  policyKey?: string;
  /** SendMail 12.x: SaveInSent=T. */
  saveInSent: boolean;
  collectionId?: string;
  itemId?: string;
}

/** MS-ASHTTP §2.2.1.1.1.1.2: command codes of the base64 form. */
const COMMAND_CODES: Readonly<Record<number, string>> = {
  0: 'Sync', 1: 'SendMail', 2: 'SmartForward', 3: 'SmartReply', 4: 'GetAttachment', 9: 'FolderSync',
  10: 'FolderCreate', 11: 'FolderDelete', 12: 'FolderUpdate', 13: 'MoveItems', 14: 'GetItemEstimate',
  15: 'MeetingResponse', 16: 'Search', 17: 'Settings', 18: 'Ping', 19: 'ItemOperations', 20: 'Provision',
  21: 'ResolveRecipients', 22: 'ValidateCert', 23: 'Find',
};

const parsed = new WeakMap<Request, EasParams>();

export function paramsOf(req: Request): EasParams {
  let params = parsed.get(req);
  if (!params) {
    params = parse(req);
    parsed.set(req, params);
  }
  return params;
}

function parse(req: Request): EasParams {
  const q = req.url.indexOf('?');
  const query = q >= 0 ? req.url.slice(q + 1) : '';
  if (query && !query.includes('=') && /^[A-Za-z0-9+/%]+={0,2}$/.test(query.replace(/%3D/gi, '='))) {
    const binary = parseBase64Query(decodeURIComponent(query));
    if (binary) return binary;
  }
  // Parameter names are case-insensitive in practice (clients send deviceId, DeviceID ...).
  // express parses req.query on every read: read it once.
  const byName = new Map<string, unknown>();
  for (const [k, v] of Object.entries(req.query as Record<string, unknown>)) {
    const lower = k.toLowerCase();
    if (!byName.has(lower)) byName.set(lower, v);
  }
  const get = (name: string) => {
    const value = byName.get(name.toLowerCase());
    return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
  };
  return {
    cmd: get('Cmd'),
    user: get('User'),
    deviceId: get('DeviceId'),
    deviceType: get('DeviceType'),
    version: req.get('ms-asprotocolversion') ?? undefined,
    policyKey: req.get('x-ms-policykey') ?? undefined,
    saveInSent: (get('SaveInSent') ?? '').toUpperCase() === 'T',
    collectionId: get('CollectionId'),
    itemId: get('ItemId'),
  };
}

/** MS-ASHTTP §2.2.1.1.1.1: version, command, locale, DeviceId, PolicyKey, DeviceType, then tagged parameters. */
function parseBase64Query(encoded: string): EasParams | null {
  const b = Buffer.from(encoded, 'base64');
  let pos = 0;
  const byte = () => (pos < b.length ? b[pos++] : -1);
  const take = (n: number) => {
    if (n < 0 || pos + n > b.length) return null;
    const out = b.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const version = byte();
  const command = byte();
  if (version < 0 || command < 0 || !take(2)) return null;
  const deviceId = take(byte());
  const policyLength = byte();
  const policy = policyLength === 4 ? take(4) : policyLength === 0 ? Buffer.alloc(0) : null;
  const deviceType = take(byte());
  if (!deviceId || !policy || !deviceType) return null;
  const params: EasParams = {
    cmd: COMMAND_CODES[command] ?? `#${command}`,
    version: `${Math.floor(version / 10)}.${version % 10}`,
    deviceId: printable(deviceId) ?? deviceId.toString('hex').toUpperCase(),
    deviceType: deviceType.toString('latin1'),
    policyKey: policy.length === 4 ? String(policy.readUInt32LE(0)) : undefined,
    saveInSent: false,
  };
  while (pos < b.length) {
    const tag = byte();
    const value = take(byte());
    if (!value) return null;
    if (tag === 1) params.collectionId = value.toString('utf8');
    else if (tag === 3) params.itemId = value.toString('utf8');
    else if (tag === 7) params.saveInSent = (value[0] & 0x01) === 0x01;
    else if (tag === 8) params.user = value.toString('utf8');
  }
  return params;
}

function printable(bytes: Buffer): string | undefined {
  return /^[A-Za-z0-9_-]+$/.test(bytes.toString('latin1')) ? bytes.toString('latin1') : undefined;
}

/** DeviceId: letters, digits, '-' and '_', at most 64 (MS-ASHTTP says 32 alphanumerics; real devices stretch it). */
export const validDeviceId = (id: string | undefined): id is string => !!id && /^[A-Za-z0-9_-]{1,64}$/.test(id);
export const validDeviceType = (type: string | undefined): type is string => !!type && /^[A-Za-z0-9_.-]{1,64}$/.test(type);
