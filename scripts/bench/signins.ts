// The sign-in log's benchmarks (section `signins` of BENCHMARKS.md): records ingested per second
// while IMAP sign-ins are refused for a wrong password (each leaves a record; none may be lost),
// and Graph paging throughput ($top=1000 over one kept-alive TLS connection) over a large log.
import { Agent, request } from 'node:https';

/** The Graph app signins-process.ts adds to the bench tenant. */
export const BENCH_GRAPH_APP = { clientId: '00000000-0000-0000-0000-00000000be03', secret: 'bench-graph-secret' };

export interface HttpsTarget {
  port: number;
  ca: string;
}

/** One GET or POST over `agent`; the body as text. */
export function fetchText(agent: Agent, target: HttpsTarget, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target.port, method, path, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const agentFor = (target: HttpsTarget) => new Agent({ keepAlive: true, maxSockets: 1, ca: target.ca, servername: 'localhost' });

/** Records of a tenant matching `filter`, counted by the control API (after a flush). */
export async function countRecords(agent: Agent, target: HttpsTarget, controlToken: string, tenant: string, filter: string): Promise<number> {
  const auth = { authorization: `Bearer ${controlToken}` };
  await fetchText(agent, target, 'POST', '/_exogate/flush', auth);
  const query = new URLSearchParams({ tenant, $top: '0', $count: 'true', $filter: filter });
  const res = await fetchText(agent, target, 'GET', `/_exogate/signins?${query}`, auth);
  if (res.status !== 200) throw new Error(`count failed: ${res.status} ${res.text}`);
  return (JSON.parse(res.text) as { '@odata.count': number })['@odata.count'];
}

/** Pages through the whole log with a Graph token; records per second and whether every record came once. */
export async function pageAll(target: HttpsTarget, accessToken: string): Promise<{ records: number; distinct: number; pages: number; seconds: number }> {
  const agent = agentFor(target);
  const seen = new Set<string>();
  let records = 0;
  let pages = 0;
  let path: string | null = '/v1.0/auditLogs/signIns?$top=1000';
  const started = performance.now();
  while (path) {
    const res = await fetchText(agent, target, 'GET', path, { authorization: `Bearer ${accessToken}` });
    if (res.status !== 200) throw new Error(`page ${pages} failed: ${res.status} ${res.text.slice(0, 300)}`);
    const page = JSON.parse(res.text) as { value: { id: string }[]; '@odata.nextLink'?: string };
    for (const s of page.value) seen.add(s.id);
    records += page.value.length;
    pages++;
    path = page['@odata.nextLink']?.replace(/^https:\/\/[^/]+/, '') ?? null;
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { records, distinct: seen.size, pages, seconds };
}
