import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  e2ePlatforms,
  expectOneLogShape,
  logRecords,
  type RunningGateway,
  type ServedPlatform,
  servePlatforms,
  startGateway,
} from './support.js';

/**
 * The composition users run: `npm start` (a child process configured by env only) in front of
 * each platform's emulator served over HTTP on loopback. A storefront round trip per platform,
 * checked on the emulator's backdoor: the writes really arrived upstream.
 */
let platforms: Awaited<ReturnType<typeof servePlatforms>>;
let gateway: RunningGateway;
beforeAll(async () => {
  platforms = await servePlatforms();
  gateway = await startGateway(platforms.env);
});
afterAll(async () => {
  await gateway?.stop();
  await platforms?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${gateway.origin}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const tag = () => `${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 6)}`;

describe.each(e2ePlatforms.map((p) => p.name))('%s: storefront round trip through npm start', (name) => {
  const base = `/v1/backends/${name}`;
  const run = tag();
  const lastName = `Rt${run}`;
  const email = `rt-${run}@example.com`;
  let upstream: ServedPlatform;
  let capabilities: Record<string, unknown>;
  let id: string;
  let etag: string;

  beforeAll(async () => {
    upstream = platforms.served.find((s) => s.platform.name === name)!;
    const listed = await call('GET', '/v1/backends');
    capabilities = listed.body.items.find((b: { name: string }) => b.name === name).capabilities;
  });

  const address = (line1: string) => ({
    firstName: 'Erika',
    lastName,
    line1,
    city: 'Berlin',
    postalCode: '10115',
    countryCode: 'DE',
  });

  it('registers a customer with an address; the emulator stored both', async () => {
    const created = await call('POST', `${base}/customers`, {
      email,
      firstName: 'Erika',
      lastName,
      password: 'Str0ng!Passw0rd',
      addresses: [{ ...address(`First${run} 1`), isDefaultBilling: true, isDefaultShipping: true }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('location')).toBe(`${base}/customers/${encodeURIComponent(created.body.id)}`);
    id = created.body.id;
    const stored = await upstream.stored();
    expect(stored).toContain(email);
    expect(stored).toContain(`First${run}`);
  });

  it('reads it back with expand=addresses', async () => {
    const read = await call('GET', `${base}/customers/${encodeURIComponent(id)}?expand=addresses`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, email, lastName });
    expect(read.body.addresses).toEqual([
      expect.objectContaining({ line1: `First${run} 1`, city: 'Berlin', countryCode: 'DE' }),
    ]);
    etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^(W\/)?".+"$/);
  });

  it('pages customers: two pages of two, no customer twice', async () => {
    const first = await call('GET', `${base}/customers?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.headers.get('link')).toContain('rel="next"');
    const second = await call(
      'GET',
      `${base}/customers?limit=2&cursor=${encodeURIComponent(first.body.page.nextCursor)}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.items.length).toBeGreaterThan(0);
    const ids = [...first.body.items, ...second.body.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('adds a second address (stored upstream) and pages addresses one at a time', async () => {
    const added = await call(
      'POST',
      `${base}/customers/${encodeURIComponent(id)}/addresses`,
      address(`Second${run} 2`),
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(await upstream.stored()).toContain(`Second${run}`);
    const lines: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await call(
        'GET',
        `${base}/customers/${encodeURIComponent(id)}/addresses?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      lines.push(page.body.items[0].line1);
      cursor = page.body.page.nextCursor;
    } while (cursor && lines.length < 5);
    expect(lines.sort()).toEqual([`First${run} 1`, `Second${run} 2`]);
  });

  it('PATCH with the current If-Match is stored; a stale tag answers 412 and changes nothing', async () => {
    const current = (await call('GET', `${base}/customers/${encodeURIComponent(id)}`)).headers.get('etag')!;
    const patched = await call(
      'PATCH',
      `${base}/customers/${encodeURIComponent(id)}`,
      { firstName: `Kept${run}` },
      { 'if-match': current },
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.firstName).toBe(`Kept${run}`);
    expect(await upstream.stored()).toContain(`Kept${run}`);

    const stale = await call(
      'PATCH',
      `${base}/customers/${encodeURIComponent(id)}`,
      { firstName: `Lost${run}` },
      { 'if-match': current },
    );
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body).toMatchObject({ code: 'precondition_failed' });
    expect(await upstream.stored()).not.toContain(`Lost${run}`);
  });

  it('deletes an address where the platform can (gone upstream), 501 where it cannot', async () => {
    const list = await call('GET', `${base}/customers/${encodeURIComponent(id)}/addresses`);
    const second = list.body.items.find((a: { line1: string }) => a.line1 === `Second${run} 2`);
    const deleted = await call(
      'DELETE',
      `${base}/customers/${encodeURIComponent(id)}/addresses/${encodeURIComponent(second.id)}`,
    );
    if (!capabilities.addressDelete) {
      expect(deleted.status).toBe(501);
      expect(await upstream.stored()).toContain(`Second${run}`);
      return;
    }
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    const stored = await upstream.stored();
    expect(stored).not.toContain(`Second${run}`);
    expect(stored).toContain(`First${run}`);
  });

  it('answers 404 problem+json for an unknown customer id', async () => {
    const missing = await call('GET', `${base}/customers/987654321`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ status: 404, code: 'not_found', backend: name });
  });
});

describe('npm start logs', () => {
  it('writes the one log shape (as the Worker does: see worker.test.ts)', () => {
    expectOneLogShape(logRecords(gateway.stdout));
  });
});
