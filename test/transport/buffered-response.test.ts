import { describe, expect, it } from 'vitest';
import { BufferedResponse } from '../../transport/buffered-response.js';
import { fields, runAll } from './response-contract.js';

// An upstream answer as the upstream client holds it, and the same answer as `new Response(bytes, init)`.
const CASES = [
  { name: 'JSON', status: 200, type: 'application/json; charset=utf-8', body: '{"id":"é1","tags":["a"]}' },
  { name: 'an empty body', status: 200, type: 'text/plain', body: '' },
  { name: 'no body (204)', status: 204, type: undefined, body: null },
  { name: 'a form', status: 200, type: 'application/x-www-form-urlencoded', body: 'a=1&b=x+y' },
  { name: 'not JSON (502)', status: 502, type: 'text/html', body: '<h1>bad gateway</h1>' },
];

describe.each(CASES)('BufferedResponse with $name does what new Response(bytes) does', ({ status, type, body }) => {
  const init = () => ({
    status,
    statusText: 'Some Text',
    headers: new Headers({ ...(type ? { 'content-type': type } : {}), 'x-ratelimit-remaining': '7' }),
  });
  const bytes = () => (body === null ? null : new TextEncoder().encode(body));
  const real = () => new Response(bytes(), init());
  const ours = () => new BufferedResponse(bytes(), init());

  it('is a Response with the same status, status text, headers and fields', () => {
    expect(ours()).toBeInstanceOf(Response);
    expect(fields(ours())).toEqual(fields(real()));
    expect([ours().type, ours().url, ours().redirected]).toEqual([real().type, real().url, real().redirected]);
  });

  it('gives the same outcome and bodyUsed at every step of every sequence (body, text, json, clone, …)', async () => {
    expect(await runAll(ours)).toEqual(await runAll(real));
  });
});

describe('BufferedResponse', () => {
  it('hands out copies: bytes read from one clone do not change what another reads', async () => {
    const response = new BufferedResponse(new TextEncoder().encode('abc'), { status: 200, headers: new Headers() });
    const copy = response.clone();
    (await response.bytes()).fill(0);
    expect(await copy.text()).toBe('abc');
  });
});
