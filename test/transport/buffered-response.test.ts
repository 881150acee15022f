import { describe, expect, it } from 'vitest';
import { BufferedResponse } from '../../transport/buffered-response.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const answer = (text: string | null, status = 200) =>
  new BufferedResponse(text === null ? null : bytes(text), {
    status,
    statusText: 'OK',
    headers: new Headers({ 'content-type': 'application/json', 'x-ratelimit-remaining': '7' }),
  });

describe('BufferedResponse: an upstream answer already read, still a Response', () => {
  it('is a Response with the status, headers and body it was given', async () => {
    const response = answer('{"id":"é1"}');
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.ok, response.statusText]).toEqual([200, true, 'OK']);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('7');
    expect(await response.json()).toEqual({ id: 'é1' });
    expect(response.bodyUsed).toBe(true);
  });

  it('is read once, like any Response', async () => {
    const response = answer('abc');
    expect(await response.text()).toBe('abc');
    await expect(response.text()).rejects.toThrow(TypeError);
    await expect(response.arrayBuffer()).rejects.toThrow(TypeError);
  });

  it('hands out its bytes as a stream when asked for body, and a clone reads independently', async () => {
    const response = answer('streamed');
    const copy = response.clone();
    expect(await new Response(response.body).text()).toBe('streamed');
    expect(response.bodyUsed).toBe(true);
    expect(await copy.text()).toBe('streamed');
    expect(new TextDecoder().decode(await answer('xyz').arrayBuffer())).toBe('xyz');
    expect(await (await answer('b').blob()).text()).toBe('b');
  });

  it('has a null body for an answer without one (204), and reads as empty text', async () => {
    const empty = answer(null, 204);
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe('');
  });
});
