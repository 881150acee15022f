import { serve } from '@hono/node-server';
import ky from 'ky';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Request as UndiciRequest } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUpstreamClient } from '../../transport/upstream-client.js';
import { UnlinkedRequest } from '../../transport/ky-construction.js';
import { createUpstreamFetch } from '../../transport/node-fetch.js';
import { failure, testContext } from '../adapters/support.js';
import { fields, runAll } from './response-contract.js';

/** What the loopback upstream saw, per request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: number;
}

const NodeRequest = globalThis.Request;
const NodeResponse = globalThis.Response;
// src/node.ts serves with @hono/node-server, which swaps globalThis.Request/Response for its own
// classes: do the same here so ky builds Requests of that class, as it does in `npm start`.
const honoServer = serve({ fetch: () => new Response('unused'), port: 0, hostname: '127.0.0.1' });
const HonoRequest = globalThis.Request;

let seen: Seen[] = [];
let attempts: Record<string, number> = {};
let releaseStream: () => void = () => {};
let sawHang: () => void = () => {};
let sawStream: () => void = () => {};
let streamClosed: () => void = () => {};
let hangClosed: Promise<void> = Promise.resolve();
const sockets = new WeakMap<object, number>();
let socketCount = 0;

function answer(req: IncomingMessage, res: ServerResponse, body: string) {
  const record: Seen = {
    method: req.method!,
    url: req.url!,
    headers: req.headers,
    body,
    socket: sockets.get(req.socket)!,
  };
  seen.push(record);
  res.sendDate = false; // the same bytes every time, for comparing two clients
  const path = new URL(req.url!, 'http://x').pathname;
  const attempt = (attempts[path] = (attempts[path] ?? 0) + 1);
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
  switch (path) {
    case '/echo':
      return json(200, record, { 'set-cookie': 'a=1', 'x-multi': 'one' });
    case '/fail-once':
      return attempt === 1 ? json(503, { busy: true }) : json(200, record);
    case '/drop-once':
      return attempt === 1 ? req.socket.destroy() : json(200, record);
    case '/redirect':
      return res.writeHead(302, { location: '/echo' }).end();
    case '/no-content':
      return res.writeHead(204).end();
    case '/fixed-json':
      return res.writeHead(200, { 'content-type': 'application/json', 'x-multi': 'one' }).end('{"id":"é1"}');
    case '/fixed-form':
      return res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' }).end('a=1&b=x+y');
    case '/fixed-empty':
      return res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '0' }).end();
    case '/fixed-404':
      return res.writeHead(404, 'Nowhere', { 'content-type': 'text/html' }).end('<h1>not here</h1>');
    case '/stream':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      releaseStream = () => res.end('second');
      res.on('close', () => streamClosed());
      sawStream();
      return;
    case '/hang':
      hangClosed = new Promise((done) => res.on('close', () => done()));
      sawHang();
      return; // never answers: the client has to abort
    default:
      return json(404, { path });
  }
}

const upstream = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
});
upstream.on('connection', (socket) => sockets.set(socket, ++socketCount));

let origin = '';
const pool = createUpstreamFetch({ connections: 4 });
const upstreamFetch = pool.fetch;

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await pool.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  honoServer.close();
});
beforeEach(() => {
  seen = [];
  attempts = {};
});

const echoed = async (response: Response) => (await response.json()) as Seen;

describe('createUpstreamFetch: every input shape ky (or anyone) passes', () => {
  it('the test really has two Request classes, like the gateway under @hono/node-server', () => {
    expect(HonoRequest).not.toBe(NodeRequest);
    const clone = new HonoRequest(`${origin}/echo`).clone();
    expect(clone instanceof HonoRequest).toBe(false); // why the fetch must not rely on instanceof
  });

  it('a URL string', async () => {
    const res = await upstreamFetch(`${origin}/echo?q=1`);
    expect(res.status).toBe(200);
    expect(await echoed(res)).toMatchObject({ method: 'GET', url: '/echo?q=1', body: '' });
  });

  it('a URL object', async () => {
    const res = await upstreamFetch(new URL(`${origin}/echo?via=url`));
    expect(await echoed(res)).toMatchObject({ method: 'GET', url: '/echo?via=url' });
  });

  it('a URL with init: method, headers and body intact', async () => {
    const res = await upstreamFetch(`${origin}/echo`, {
      method: 'PATCH',
      headers: { 'x-request-id': 'r-1', 'content-type': 'application/json', 'if-match': '"v1"' },
      body: JSON.stringify({ firstName: 'Zoë' }),
    });
    const got = await echoed(res);
    expect(got).toMatchObject({ method: 'PATCH', body: '{"firstName":"Zoë"}' });
    expect(got.headers).toMatchObject({
      'x-request-id': 'r-1',
      'content-type': 'application/json',
      'if-match': '"v1"',
    });
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength('{"firstName":"Zoë"}')));
  });

  it('a URLSearchParams body gets its content type, as with fetch', async () => {
    const got = await echoed(
      await upstreamFetch(`${origin}/echo`, { method: 'POST', body: new URLSearchParams({ a: '1', b: 'x y' }) }),
    );
    expect(got.body).toBe('a=1&b=x+y');
    expect(got.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it.each([
    ['Node', () => NodeRequest],
    ['@hono/node-server', () => HonoRequest],
    ['undici package', () => UndiciRequest as unknown as typeof Request],
  ])('a Request of the %s class, with a POST body', async (_name, RequestClass) => {
    const request = new (RequestClass())(`${origin}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"n":1}',
    });
    const got = await echoed(await upstreamFetch(request));
    expect(got).toMatchObject({ method: 'POST', url: '/echo', body: '{"n":1}' });
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer t' });
  });

  it("a Request's clone (what ky retries with), whose original was already sent", async () => {
    const original = new HonoRequest(`${origin}/echo`, { method: 'PUT', body: 'same body twice' });
    const clone = original.clone();
    await upstreamFetch(original);
    await upstreamFetch(clone);
    expect(seen.map((s) => [s.method, s.body])).toEqual([
      ['PUT', 'same body twice'],
      ['PUT', 'same body twice'],
    ]);
  });

  it('a Request with init overriding its method and replacing its headers', async () => {
    const request = new NodeRequest(`${origin}/echo`, { headers: { 'x-old': '1' } });
    const got = await echoed(await upstreamFetch(request, { method: 'DELETE', headers: { 'x-new': '2' } }));
    expect(got.method).toBe('DELETE');
    expect(got.headers['x-new']).toBe('2');
    expect(got.headers['x-old']).toBeUndefined();
  });

  it('ky retrying a POST after a 503 sends the same body again (Hono Request first, Node clone after)', async () => {
    const api = ky.create({
      fetch: upstreamFetch,
      retry: { limit: 2, methods: ['post'], statusCodes: [503], backoffLimit: 1 },
    });
    const got = await api.post(`${origin}/fail-once`, { json: { email: 'a@example.com' } }).json<Seen>();
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', '/fail-once', '{"email":"a@example.com"}'],
      ['POST', '/fail-once', '{"email":"a@example.com"}'],
    ]);
    expect(got.headers['content-type']).toBe('application/json');
  });

  it('a dropped connection rejects like fetch (TypeError), so the gateway client retries an idempotent read', async () => {
    const error = await upstreamFetch(`${origin}/drop-once`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    const client = createUpstreamClient({ baseUrl: origin, fetch: upstreamFetch, backend: 'test' });
    const res = await client.request(testContext().ctx, 'GET', '/drop-once');
    expect(res.status).toBe(200);
    expect(attempts['/drop-once']).toBe(2);
  });

  it('a POST whose connection dropped is not sent again (it may have been applied)', async () => {
    const client = createUpstreamClient({ baseUrl: origin, fetch: upstreamFetch, backend: 'test' });
    const error = await failure(
      client.request(testContext().ctx, 'POST', '/drop-once', { json: { email: 'once@example.com' } }),
    );
    expect(error.code).toBe('upstream_unavailable');
    expect(attempts['/drop-once']).toBe(1);
  });

  it('redirect: follows by default, hands back the 3xx with manual, rejects with error', async () => {
    const followed = await upstreamFetch(`${origin}/redirect`);
    expect(followed.status).toBe(200);
    expect((await echoed(followed)).url).toBe('/echo');
    const manual = await upstreamFetch(`${origin}/redirect`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/echo');
    await expect(upstreamFetch(new NodeRequest(`${origin}/redirect`, { redirect: 'error' }))).rejects.toBeInstanceOf(
      TypeError,
    );
  });

  it('answers a Response: headers (repeated ones too), a null body for 204, once the whole body is in', async () => {
    const res = await upstreamFetch(`${origin}/echo`);
    expect(res).toBeInstanceOf(NodeResponse);
    expect(res.headers.get('set-cookie')).toBe('a=1');
    expect(res.ok).toBe(true);
    await res.arrayBuffer();
    const empty = await upstreamFetch(`${origin}/no-content`);
    expect([empty.status, empty.body]).toEqual([204, null]);

    const started = new Promise<void>((resolve) => (sawStream = resolve));
    const streamed = upstreamFetch(`${origin}/stream`);
    await started;
    releaseStream(); // the fetch answers once this is in too (see the abort while the body arrives)
    expect(await (await streamed).text()).toBe('first;second');
  });

  // Side by side with Node's own fetch on the same answers: the same Response, except that it is
  // built from bytes (url '', type 'default'), like any Response a fetch wrapper builds.
  it.each(['/fixed-json', '/fixed-form', '/fixed-empty', '/fixed-404', '/no-content'])(
    'answers %s as Node’s fetch does: fields, and every step of every body sequence',
    async (path) => {
      const real = () => fetch(`${origin}${path}`);
      const ours = () => upstreamFetch(`${origin}${path}`);
      expect(fields(await ours())).toEqual(fields(await real()));
      expect(await runAll(ours)).toEqual(await runAll(real));
      expect([(await ours()).url, (await ours()).type]).toEqual(['', 'default']);
    },
  );

  it('keeps connections alive: ten sequential calls open at most one new socket', async () => {
    const before = socketCount;
    for (let i = 0; i < 10; i++) await (await upstreamFetch(`${origin}/echo`)).text();
    expect(seen).toHaveLength(10);
    expect(socketCount - before).toBeLessThanOrEqual(1);
  });
});

describe("createUpstreamFetch: ky's Request in the Node build (UnlinkedRequest)", () => {
  it.each([
    ['text', () => 'Zoë wrote this'],
    ['bytes', () => new TextEncoder().encode('{"n":1}')],
    ['an ArrayBuffer', () => new TextEncoder().encode('raw bytes').buffer],
    ['form parameters', () => new URLSearchParams({ a: '1', b: 'x y' })],
  ])("with %s sends what Node's Request sends, and leaves its stream unread", async (_name, body) => {
    const ours = new UnlinkedRequest(`${origin}/echo`, { method: 'POST', body: body() });
    const native = new NodeRequest(`${origin}/echo`, { method: 'POST', body: body() });
    const sent = async (request: Request) => {
      const { body, headers } = await echoed(await upstreamFetch(request));
      return { body, type: headers['content-type'], length: headers['content-length'] };
    };
    expect(await sent(ours)).toEqual(await sent(native));
    expect(ours.bodyUsed).toBe(false);
  });

  it('sends the body as it was when the Request was built, as a Request does', async () => {
    const bytes = new TextEncoder().encode('before');
    const params = new URLSearchParams({ a: '1' });
    const withBytes = new UnlinkedRequest(`${origin}/echo`, { method: 'POST', body: bytes });
    const withParams = new UnlinkedRequest(`${origin}/echo`, { method: 'POST', body: params });
    bytes.set(new TextEncoder().encode('AFTER!'));
    params.set('a', '2');
    expect((await echoed(await upstreamFetch(withBytes))).body).toBe('before');
    expect((await echoed(await upstreamFetch(withParams))).body).toBe('a=1');
  });

  it('a ky POST: the stream ky cancels when the call ends was never read (cancelling a read one makes an error each time)', async () => {
    const handed: Request[] = [];
    const api = ky.create({ fetch: (input, init) => (handed.push(input as Request), upstreamFetch(input, init)) });
    expect((await api.post(`${origin}/echo`, { json: { email: 'a@example.com' } }).json<Seen>()).body).toBe(
      '{"email":"a@example.com"}',
    );
    expect(handed[0]).toBeInstanceOf(UnlinkedRequest);
    expect(handed[0]!.body!.locked).toBe(false);
  });
});

describe('createUpstreamFetch: abort', () => {
  it('aborting mid-flight cancels the upstream request and rejects with an AbortError', async () => {
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => (sawHang = resolve));
    const pending = upstreamFetch(`${origin}/hang`, { signal: controller.signal });
    await arrived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await hangClosed; // the upstream saw its connection go away
  });

  it("a Request's own signal aborts it too", async () => {
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => (sawHang = resolve));
    const pending = upstreamFetch(new HonoRequest(`${origin}/hang`, { signal: controller.signal }).clone());
    await arrived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await hangClosed;
  });

  it('aborting while the body arrives cancels the upstream request and rejects with an AbortError', async () => {
    const controller = new AbortController();
    const closed = new Promise<void>((resolve) => (streamClosed = resolve));
    const started = new Promise<void>((resolve) => (sawStream = resolve));
    const pending = upstreamFetch(`${origin}/stream`, { signal: controller.signal });
    await started; // headers and a first chunk sent, the rest held back
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await closed;
    releaseStream();
  });

  it('an already aborted signal never reaches the upstream', async () => {
    await expect(upstreamFetch(`${origin}/echo`, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(seen).toEqual([]);
  });

  it('through the gateway client, a caller abort mid-flight becomes upstream_timeout', async () => {
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => (sawHang = resolve));
    const client = createUpstreamClient({ baseUrl: origin, fetch: upstreamFetch, backend: 'test' });
    const pending = failure(client.request(testContext(controller.signal).ctx, 'GET', '/hang'));
    await arrived;
    controller.abort();
    expect((await pending).code).toBe('upstream_timeout');
    await hangClosed;
  });
});
