// One HTTP request as a load script sends it over a kept-alive TLS connection: the agent holds
// the connections, so a "session" here is one request/response, as EWS and ActiveSync clients
// reuse their connection for every call. The outcome is the status and the challenge (or the
// diagnostic) exactly as the server sent them, so a run proves what it answered.
import { Agent, request } from 'node:https';
import type { SessionResult } from './runner.js';

export interface HttpTarget {
  host: string;
  port: number;
  ca: string;
  /** Connections kept open: one per concurrent request. */
  connections: number;
}

export function keepAliveAgent(target: HttpTarget): Agent {
  return new Agent({ keepAlive: true, maxSockets: target.connections, maxFreeSockets: target.connections, ca: target.ca, servername: 'localhost' });
}

export interface HttpCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export function httpCall(agent: Agent, target: HttpTarget, call: HttpCall): Promise<SessionResult> {
  return new Promise((resolve, reject) => {
    const headers = call.body ? { ...call.headers, 'content-length': String(call.body.length) } : call.headers;
    const req = request({ host: target.host, port: target.port, method: call.method, path: call.path, headers, agent }, (res) => {
      // The body is read to the end (the connection is reused) but only its size matters here.
      res.on('data', () => undefined);
      res.on('end', () => {
        const detail = res.headers['x-ms-diagnostics'] ?? res.headers['www-authenticate'] ?? res.headers['content-type'] ?? '';
        resolve({ outcome: `${res.statusCode} ${String(detail)}` });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

export const basicHeader = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
