import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2ePlatforms, expectOneLogShape, logRecords, servePlatforms } from './support.js';
import { startWorker } from './workerd.js';
import { berlinAddress } from '../support/address.js';

// 16 characters: the longest password Open2b stores.
const SECRET_PASSWORD = 'Wrkrd-S3cret-Pw!';

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('the zero-config demo Worker (wrangler --env demo) in the real Workers runtime (workerd)', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;

  beforeAll(async () => {
    worker = await startWorker(
      { LOG_LEVEL: 'debug', SESSION_SIGNING_KEYS: `workerd:${'w'.repeat(40)}` },
      { demo: true },
    );
  }, 120_000);
  afterAll(async () => worker?.dispose());

  it('serves the three embedded platforms by default', async () => {
    const backends = (await (await worker.fetch('/v1/backends')).json()) as {
      default: string;
      items: { name: string; embedded: boolean }[];
    };
    expect(backends.default).toBe('sfcc');
    expect(backends.items.map((b) => [b.name, b.embedded])).toEqual([
      ['sfcc', true],
      ['scayle', true],
      ['open2b', true],
    ]);
  });

  it.each(['sfcc', 'scayle', 'open2b'])('does a customer + address round trip on %s', async (backend) => {
    const base = `/v1/backends/${backend}`;
    const email = `workerd-${backend}-${Date.now()}@example.com`;
    const created = await worker.fetch(
      `${base}/customers`,
      json('POST', {
        email,
        firstName: 'Wanda',
        lastName: 'Worker',
        password: SECRET_PASSWORD,
        addresses: [berlinAddress({ firstName: 'Wanda', lastName: 'Worker' })],
      }),
    );
    const customer = (await created.json()) as { id: string; email: string };
    expect(created.status, JSON.stringify(customer)).toBe(201);
    expect(customer.email).toBe(email);

    const read = await worker.fetch(`${base}/customers/${encodeURIComponent(customer.id)}?expand=addresses`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBeTruthy();
    const full = (await read.json()) as { addresses: { id: string; city: string }[] };
    expect(full.addresses[0]).toMatchObject({ city: 'Berlin' });

    const address = `${base}/customers/${encodeURIComponent(customer.id)}/addresses/${encodeURIComponent(full.addresses[0]!.id)}`;
    const patched = await worker.fetch(address, json('PATCH', { city: 'Potsdam', postalCode: '14467' }));
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(((await patched.json()) as { city: string }).city).toBe('Potsdam');
    const again = await worker.fetch(address);
    expect(((await again.json()) as { city: string }).city).toBe('Potsdam');
  });

  it('answers problems as application/problem+json with the request id', async () => {
    const res = await worker.fetch(
      '/v1/customers',
      json('POST', { email: 'nope' }, { 'x-request-id': 'workerd-test-1' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('x-request-id')).toBe('workerd-test-1');
  });

  it('writes JSON log lines and never the password (pino browser build ignores redact)', async () => {
    await worker.fetch(
      '/v1/customers',
      json(
        'POST',
        {
          email: `pw-${Date.now()}@example.com`,
          lastName: 'Secret',
          password: SECRET_PASSWORD,
          addresses: [
            {
              lastName: 'Secret',
              line1: 'Weg 1',
              city: 'Bonn',
              postalCode: '53111',
              countryCode: 'DE',
              isDefaultBilling: true,
              isDefaultShipping: true,
            },
          ],
        },
        { authorization: 'Bearer caller-token-123' },
      ),
    );
    // Log lines reach us through workerd's output after the answer: wait for this request's (bounded), not a fixed time.
    const logged = () => worker.output.join('').includes('"lastName":"Secret"');
    for (let i = 0; i < 200 && !logged(); i++) await new Promise((r) => setTimeout(r, 50));
    const text = worker.output.join('');
    expect(text).toContain('"msg":"request completed"');
    expect(text).toContain('"lastName":"Secret"');
    expect(text).toContain('"password":"[REDACTED]"');
    expect(text).not.toContain(SECRET_PASSWORD);
    expect(text).not.toContain('caller-token-123');
  });

  it('signs a shopper in and serves /v1/me (sessions signed with SESSION_SIGNING_KEYS)', async () => {
    const login = await worker.fetch(
      '/v1/auth/login',
      json('POST', { email: 'john.smith@example.com', password: 'Demo!Passw0rd' }),
    );
    expect(login.status, await login.clone().text()).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await worker.fetch('/v1/me', { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await me.json()) as { email: string }).email).toBe('john.smith@example.com');
    expect(worker.output.join('')).not.toContain(accessToken);
  });

  it('writes the one log shape, the same as npm start on Node (see storefront.test.ts)', () => {
    expectOneLogShape(logRecords(worker.output));
  });
});

describe('the Worker in workerd with *_BASE_URL pointing at emulators served over HTTP on loopback', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;

  beforeAll(async () => {
    platforms = await servePlatforms();
    worker = await startWorker({ LOG_LEVEL: 'warn', ...platforms.env });
  }, 120_000);
  afterAll(async () => {
    await worker?.dispose();
    await platforms?.close();
  });

  it('lists the platforms as reached over HTTP, not embedded', async () => {
    const backends = (await (await worker.fetch('/v1/backends')).json()) as {
      items: { name: string; embedded: boolean }[];
    };
    expect(backends.items.map((b) => [b.name, b.embedded])).toEqual(e2ePlatforms.map((p) => [p.name, false]));
  });

  it.each(e2ePlatforms.map((p) => p.name))(
    'registers, reads and patches on %s; the emulator stored it',
    async (backend) => {
      const upstream = platforms.served.find((s) => s.platform.name === backend)!;
      const base = `/v1/backends/${backend}`;
      const email = `wl-${backend}-${Date.now()}@example.com`;
      const created = await worker.fetch(
        `${base}/customers`,
        json('POST', {
          email,
          firstName: 'Wanda',
          lastName: 'Loopback',
          password: SECRET_PASSWORD,
          addresses: [berlinAddress({ firstName: 'Wanda', lastName: 'Loopback' })],
        }),
      );
      const customer = (await created.json()) as { id: string };
      expect(created.status, JSON.stringify(customer)).toBe(201);
      expect(await upstream.stored()).toContain(email);

      const url = `${base}/customers/${encodeURIComponent(customer.id)}`;
      const read = await worker.fetch(`${url}?expand=addresses`);
      expect(read.status).toBe(200);
      expect(((await read.json()) as { addresses: { city: string }[] }).addresses[0]).toMatchObject({ city: 'Berlin' });
      const patched = await worker.fetch(
        url,
        json('PATCH', { firstName: 'Wilma' }, { 'if-match': read.headers.get('etag')! }),
      );
      expect(patched.status, await patched.clone().text()).toBe(200);
      expect(await upstream.stored()).toContain('Wilma');
      expect((await worker.fetch(`${base}/customers/987654321`)).status).toBe(404);
    },
  );

  it('serves /docs offline, Swagger UI from the static assets (not the script upload)', async () => {
    const html = await (await worker.fetch('/docs')).text();
    expect(html).toContain('/docs/swagger-ui-dist/swagger-ui-bundle.js');
    expect(html).toContain('/docs/swagger-ui-dist/swagger-ui.css');
    expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs/);
    const bundle = await worker.fetch('/docs/swagger-ui-dist/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    const css = await worker.fetch('/docs/swagger-ui-dist/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });
});

describe('the production Worker with a backend lacking its base URL (no embedded emulators in this build)', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;

  beforeAll(async () => {
    worker = await startWorker({ BACKENDS: 'scayle', LOG_LEVEL: 'warn' });
  }, 120_000);
  afterAll(async () => worker?.dispose());

  it('answers a ConfigError problem naming the variable', async () => {
    const res = await worker.fetch('/v1/customers/1');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { title: string; detail: string };
    expect(problem.title).toBe('Gateway misconfigured');
    expect(problem.detail).toMatch(/^SCAYLE_BASE_URL: is required for scayle \(this build has no embedded emulators/);
  });

  it('still serves Swagger UI: the assets answer before the Worker runs', async () => {
    const bundle = await worker.fetch('/docs/swagger-ui-dist/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
  });
});
