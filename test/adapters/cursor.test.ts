import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../adapters/cursor.js';
import { GatewayError } from '../../adapters/errors.js';

const codec = createCursorCodec('a-test-secret-that-is-long-enough');

const rejects = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('validation_failed');
  expect((error as GatewayError).errors?.[0]?.path).toBe('query.cursor');
};

describe('opaque cursor codec', () => {
  it('round-trips any JSON position', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (position) => {
        const cursor = await codec.encode('scayle', 'customers?', position);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        expect(await codec.decode(cursor, 'scayle', 'customers?')).toEqual(JSON.parse(JSON.stringify(position)));
      }),
      { numRuns: 100 },
    );
  });

  it('accepts the cursors earlier versions signed with WebCrypto (same HMAC-SHA256 bytes), so pages survive an upgrade', async () => {
    const secret = 'a-test-secret-that-is-long-enough';
    const payload = btoa(JSON.stringify({ b: 'scayle', s: 'customers?', p: { next: 'c-42' } }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload))).slice(0, 12);
    const signature = btoa(String.fromCharCode(...mac))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(await codec.decode(`${payload}.${signature}`, 'scayle', 'customers?')).toEqual({ next: 'c-42' });
  });

  it('rejects a cursor of another backend or another list', async () => {
    const cursor = await codec.encode('sfcc', 'addresses:1', 20);
    await rejects(codec.decode(cursor, 'open2b', 'addresses:1'));
    await rejects(codec.decode(cursor, 'sfcc', 'addresses:2'));
  });

  it('rejects an edited payload, a cursor signed with another secret, and garbage', async () => {
    const cursor = await codec.encode('sfcc', 'customers?', 20);
    const [payload, signature] = cursor.split('.');
    const edited = Buffer.from(JSON.stringify({ b: 'sfcc', s: 'customers?', p: 999 })).toString('base64url');
    await rejects(codec.decode(`${edited}.${signature}`, 'sfcc', 'customers?'));
    await rejects(
      codec.decode(
        await createCursorCodec('another-secret-of-16-chars').encode('sfcc', 'customers?', 20),
        'sfcc',
        'customers?',
      ),
    );
    for (const garbage of ['', '.', 'abc', `${payload}.`, `${payload}.${signature}.x`, '%%%.%%%'])
      await rejects(codec.decode(garbage, 'sfcc', 'customers?'));
  });
});
