// A small ActiveSync client for the wire tests: real HTTPS to the gateway (trusting its CA), WBXML
// bodies through the codec under test, the policy key carried as a device carries it.
import { request } from 'node:https';
import type { Gateway } from '../../index.js';
import { decode, encode, type WbxmlElement } from '../../servers/http/eas/wbxml/codec.js';
import { childText, first } from '../../servers/http/eas/wbxml/tree.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function raw(gw: Gateway, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: gw.host, port: gw.ports.https, method, path, headers: h, ca: gw.caCert, servername: 'localhost', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export { basicAuth } from '../helpers/https.js';

export interface EasReply extends RawResponse {
  /** The decoded WBXML body, when there is one. */
  doc: WbxmlElement | null;
}

export class EasClient {
  policyKey: string | undefined;

  constructor(
    readonly gw: Gateway,
    readonly config: { user: string; authorization: string; deviceId: string; deviceType?: string; version?: string },
  ) {}

  path(cmd: string, extra = ''): string {
    const q = new URLSearchParams({ Cmd: cmd, User: this.config.user, DeviceId: this.config.deviceId, DeviceType: this.config.deviceType ?? 'SmartPhone' });
    return `/Microsoft-Server-ActiveSync?${q}${extra}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = {
      authorization: this.config.authorization,
      'ms-asprotocolversion': this.config.version ?? '16.1',
      'user-agent': 'exogate-eas-test/1.0',
      ...extra,
    };
    if (this.policyKey !== undefined) h['x-ms-policykey'] = this.policyKey;
    return h;
  }

  options(): Promise<RawResponse> {
    return raw(this.gw, 'OPTIONS', '/Microsoft-Server-ActiveSync', { authorization: this.config.authorization });
  }

  async command(cmd: string, doc?: WbxmlElement | null, extra: { headers?: Record<string, string>; body?: Buffer; query?: string } = {}): Promise<EasReply> {
    const body = extra.body ?? (doc ? encode(doc) : undefined);
    const headers = this.headers({ ...(body ? { 'content-type': 'application/vnd.ms-sync.wbxml' } : {}), ...extra.headers });
    const res = await raw(this.gw, 'POST', this.path(cmd, extra.query), headers, body);
    const wbxml = String(res.headers['content-type'] ?? '').startsWith('application/vnd.ms-sync.wbxml') && res.body.length > 0;
    return { ...res, doc: wbxml ? decode(res.body) : null };
  }

  /** Both phases of Provision; leaves the final key on the client. */
  async provision(policy: (key?: string) => WbxmlElement): Promise<string> {
    const first1 = await this.command('Provision', policy());
    const temp = childText(first(first(first1.doc!, 'Policies'), 'Policy'), 'PolicyKey')!;
    const second = await this.command('Provision', policy(temp));
    this.policyKey = childText(first(first(second.doc!, 'Policies'), 'Policy'), 'PolicyKey')!;
    return this.policyKey;
  }
}

/** Path helpers for reading replies: `at(doc, 'Collections', 'Collection')`; `Ns:Tag` for another namespace. */
export function at(doc: WbxmlElement | null | undefined, ...path: string[]): WbxmlElement | undefined {
  let node: WbxmlElement | undefined = doc ?? undefined;
  for (const step of path) {
    const colon = step.indexOf(':');
    node = colon > 0 ? first(node, step.slice(colon + 1), step.slice(0, colon)) : first(node, step);
  }
  return node;
}

export { all as every } from '../../servers/http/eas/wbxml/tree.js';
