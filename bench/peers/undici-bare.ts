/** Peer 2: the floor — bare node:http + undici.request (keep-alive pool), no framework. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { toCustomer, toScayleCreate, upstreamConfig } from './mapping.js';

const { baseUrl, root, token, port } = upstreamConfig(process.env);
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
const headers = { 'x-access-token': token, accept: 'application/json' };

async function upstream(method: 'GET' | 'POST', path: string, body?: object) {
  const response = await request(`${baseUrl}${root}${path}`, {
    method,
    dispatcher,
    headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.statusCode >= 300) {
    await response.body.dump();
    throw new Error(`upstream answered ${response.statusCode}`);
  }
  return (await response.body.json()) as Record<string, any>;
}

function send(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://peer');
  const one = /^\/v1\/customers\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'GET' && one) {
    const expand = url.searchParams.get('expand') === 'addresses';
    const data = await upstream(
      'GET',
      `/${encodeURIComponent(decodeURIComponent(one[1]!))}?with=${expand ? 'addresses,legacyCustomData' : 'legacyCustomData'}`,
    );
    return send(res, 200, toCustomer(data, expand));
  }
  if (url.pathname === '/v1/customers' && req.method === 'GET') {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const data = await upstream('GET', `?limit=${limit}&with=legacyCustomData`);
    return send(res, 200, {
      items: data.entities.map((c: object) => toCustomer(c, false)),
      page: { limit, nextCursor: data.cursor?.next ?? null },
    });
  }
  if (url.pathname === '/v1/customers' && req.method === 'POST') {
    const body = toScayleCreate((await readBody(req)) as Record<string, unknown>);
    if (!body) return send(res, 400, { title: 'email is required' });
    const data = await upstream('POST', '', body);
    return send(res, 201, toCustomer(data, true), { location: `/v1/customers/${data.id}` });
  }
  send(res, 404, { title: 'not found' });
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  handle(req, res).catch((error: Error) => send(res, 502, { title: 'upstream failed', detail: error.message }));
});
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
