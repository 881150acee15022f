import { describe, expect, it } from 'vitest';
import { createUpstreamClient } from '../../transport/upstream-client.js';
import { BodylessRequest, UnlinkedRequest, withKyStandIns } from '../../transport/unlinked-request.js';
import { testContext } from '../adapters/support.js';

describe('UnlinkedRequest (the Request ky builds for upstream calls)', () => {
  it('is a real Request with what it was given, but does not follow the signal it was given', () => {
    const controller = new AbortController();
    const request = new UnlinkedRequest('http://upstream.test/customers?with=addresses', {
      method: 'POST',
      headers: { 'x-request-id': 'r-1', 'content-type': 'application/json' },
      body: '{"a":1}',
      signal: controller.signal,
    });
    controller.abort();
    expect(request).toBeInstanceOf(Request);
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://upstream.test/customers?with=addresses');
    expect(request.headers.get('x-request-id')).toBe('r-1');
    expect(request.signal.aborted).toBe(false);
  });

  it('rejects what Request rejects', () => {
    expect(() => new UnlinkedRequest('not a url')).toThrow(TypeError);
    expect(() => new UnlinkedRequest('http://upstream.test/', { headers: { 'bad header': 'x' } })).toThrow(TypeError);
  });

  it('is its own clone when it has no body (it can be sent again as it is)', async () => {
    const original = new UnlinkedRequest(new URL('http://upstream.test/customers/1'), {
      headers: { accept: 'application/json' },
    });
    expect(original.clone()).toBe(original);
    expect(original.bodyUsed).toBe(false);
  });

  it('clones a string or bytes body so that both copies can be sent', async () => {
    for (const body of ['{"email":"a@example.com"}', new TextEncoder().encode('{"email":"a@example.com"}')]) {
      const original = new UnlinkedRequest('http://upstream.test/customers', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      const copy = original.clone();
      expect(await original.text()).toBe('{"email":"a@example.com"}');
      expect(await copy.text()).toBe('{"email":"a@example.com"}');
      expect(copy.headers.get('content-type')).toBe('application/json');
      expect(() => original.clone()).toThrow(TypeError); // read: as with any Request
    }
  });

  it('clones a streamed body the usual way (tee)', async () => {
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('streamed')), c.close()) });
    const original = new UnlinkedRequest('http://upstream.test/upload', {
      method: 'PUT',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const copy = original.clone();
    expect(await copy.text()).toBe('streamed');
    expect(await original.text()).toBe('streamed');
  });

  it('withKyStandIns swaps the global Request and AbortController only while it runs, even when it throws', () => {
    const [request, controller] = [globalThis.Request, globalThis.AbortController];
    expect(withKyStandIns(() => new Request('http://upstream.test/', { method: 'POST', body: 'x' }))).toBeInstanceOf(
      UnlinkedRequest,
    );
    expect(withKyStandIns(() => new Request('http://upstream.test/'))).toBeInstanceOf(BodylessRequest);
    expect(() =>
      withKyStandIns(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect([globalThis.Request, globalThis.AbortController]).toEqual([request, controller]);
    expect(new Request('http://upstream.test/')).not.toBeInstanceOf(UnlinkedRequest);
    expect(new AbortController().signal).not.toBe(new AbortController().signal);
  });

  it("gives ky one shared, never-aborted signal instead of an AbortSignal per call (ky's only serves its own timeout, which is off)", () => {
    const [first, second] = withKyStandIns(() => [new AbortController(), new AbortController()]);
    expect(first!.signal).toBe(second!.signal);
    first!.abort();
    expect(first!.signal.aborted).toBe(false);
  });

  it('builds a bodyless call as its fields, not a Request: the URL as a Request holds it, the headers given, its own clone', () => {
    const headers = new Headers({ accept: 'application/json' });
    const request = withKyStandIns(
      () => new Request('http://upstream.test/a b?with=addresses', { method: 'GET', headers }),
    );
    expect(request).toBeInstanceOf(BodylessRequest);
    expect(request).toMatchObject({
      url: 'http://upstream.test/a%20b?with=addresses',
      method: 'GET',
      redirect: 'follow',
      body: null,
      bodyUsed: false,
    });
    expect(request.headers).toBe(headers);
    expect(request.clone()).toBe(request);
    expect(() => withKyStandIns(() => new Request('not a url'))).toThrow(TypeError);
  });

  it('is what the upstream client hands its fetch, first try and retries alike', async () => {
    const seen: Request[] = [];
    const client = createUpstreamClient({
      baseUrl: 'http://upstream.test',
      backend: 'test',
      fetch: async (input, init) => {
        const request = input as Request;
        seen.push(request);
        expect(init?.signal).toBeInstanceOf(AbortSignal); // the attempt's own deadline
        const body = await request.text();
        return seen.length === 1 ? new Response('busy', { status: 503 }) : new Response(body, { status: 200 });
      },
    });
    const response = await client.request(testContext().ctx, 'POST', '/rpc/find', {
      json: { id: 7 },
      idempotent: true,
    });
    expect(await response.text()).toBe('{"id":7}');
    expect(seen).toHaveLength(2);
    for (const request of seen) expect(request).toBeInstanceOf(UnlinkedRequest);
  });

  it('hands a fetch a bodyless call as fetch(url, init): method, headers (request id included) and the attempt signal', async () => {
    const calls: { input: unknown; init: RequestInit | undefined }[] = [];
    const client = createUpstreamClient({
      baseUrl: 'http://upstream.test/api',
      backend: 'test',
      headers: { 'x-access-token': 'secret' },
      fetch: async (input, init) => {
        calls.push({ input, init });
        return new Response('{}', { status: 200 });
      },
    });
    await client.request(testContext().ctx, 'GET', '/customers/7', { searchParams: { with: 'addresses' } });
    expect(calls).toHaveLength(1);
    const [{ input, init }] = calls;
    expect(input).toBe('http://upstream.test/api/customers/7?with=addresses');
    expect(init?.method).toBe('GET');
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    expect(init?.signal?.aborted).toBe(false);
    const headers = new Headers(init?.headers);
    expect(headers.get('x-request-id')).toBe('test-request-1');
    expect(headers.get('x-access-token')).toBe('secret');
  });
});
