// One HTTP request as a load script sends it over a kept-alive TLS connection: the agent holds
// the connections, so a "session" here is one request/response, as EWS and ActiveSync clients
// reuse their connection for every call. The outcome is the status and the challenge (or the
// diagnostic) exactly as the server sent them, so a run proves what it answered.
import { Agent, request } from 'node:https';
import type { SessionResult } from './runner.js';

export interface HttpTarget {
  host: string;
  port: number;
  ca?: string;
  servername?: string;
  /** Accept any certificate (a server whose CA the load tool was not given). */
  insecure?: boolean;
  /** Connections kept open: one per concurrent request. */
  connections: number;
}

export function keepAliveAgent(target: HttpTarget): Agent {
  return new Agent({
    keepAlive: true,
    maxSockets: target.connections,
    maxFreeSockets: target.connections,
    ca: target.ca,
    servername: target.servername ?? 'localhost',
    rejectUnauthorized: !target.insecure,
  });
}

export interface HttpCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** What a successful answer's body says, when the status alone does not (EWS's ResponseCode). */
export type BodyReader = (status: number, contentType: string, body: Buffer) => string | undefined;

export function httpCall(agent: Agent, target: HttpTarget, call: HttpCall, readBody?: BodyReader): Promise<SessionResult> {
  return new Promise((resolve, reject) => {
    const headers = call.body ? { ...call.headers, 'content-length': String(call.body.length) } : call.headers;
    const req = request({ host: target.host, port: target.port, method: call.method, path: call.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      // The body is read to the end either way (the connection is reused); it is kept only when asked.
      res.on('data', (c: Buffer) => readBody && chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '');
        const said = readBody?.(status, contentType, Buffer.concat(chunks));
        const detail = said ?? res.headers['x-ms-diagnostics'] ?? res.headers['www-authenticate'] ?? contentType;
        resolve({ outcome: `${status} ${String(detail)}` });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

export const basicHeader = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
