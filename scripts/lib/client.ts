// What the CLI's client commands share: finding a running gateway (endpoints.json) and
// calling its HTTPS listener with its own CA.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import type { Endpoints } from '../../gateway.js';

export const DEFAULT_DATA_DIR = '.exogate';

/** Where a running gateway's endpoints.json is: --endpoints, else in --data, else in the default data folder. */
export function endpointsPath(opts: { data?: string; endpoints?: string }): string {
  return resolve(opts.endpoints ?? join(opts.data ?? DEFAULT_DATA_DIR, 'endpoints.json'));
}

export function readEndpoints(opts: { data?: string; endpoints?: string }): Endpoints {
  const file = endpointsPath(opts);
  if (!existsSync(file)) throw new Error(`no running exogate found: ${file} does not exist (start one with "exogate start", or pass --data / --endpoints)`);
  return JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
}

export interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpsCall(
  endpoints: Endpoints,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; control?: boolean } = {},
): Promise<HttpsResult> {
  const ca = endpoints.caCert ? readFileSync(endpoints.caCert) : undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (options.control) headers.authorization = `Bearer ${endpoints.controlToken}`;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: endpoints.host, port: endpoints.ports.https, method, path, headers, ca, servername: 'localhost' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
