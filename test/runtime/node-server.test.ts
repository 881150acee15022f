import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGateway } from '../../src/runtime/node-server.js';
import { buildGateway } from '../conformance/harness.js';

/** One request over a given agent; resolves with status and headers, rejects on a socket error. */
function request(agent: http.Agent, port: number, method: string, path: string, body?: Buffer) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        port,
        host: '127.0.0.1',
        method,
        path,
        headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the Node server (src/runtime/node-server.ts) and its connections', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory' });
    server = serveGateway(gw.app.fetch, {
      port: 0,
      hostname: '127.0.0.1',
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 5_000,
    });
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers an oversized body with 413 and Connection: close, and the next requests on the same client all succeed', async () => {
    // One socket at a time, kept alive: what a BFF's HTTP client pool does.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const big = Buffer.from(JSON.stringify({ email: 'big@example.com', lastName: 'x'.repeat(300 * 1024) }));
    const refused = await request(agent, port, 'POST', '/v1/customers', big);
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    const after = await Promise.all(
      Array.from({ length: 5 }, () => request(agent, port, 'GET', '/v1/customers?limit=1')),
    );
    expect(after.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    agent.destroy();
  });

  it('cuts a client that trickles its headers (slowloris) after the headers timeout', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
    // A header byte every 200 ms keeps an idle-timeout server waiting forever.
    const drip = setInterval(() => socket.writable && socket.write('X'), 200);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
