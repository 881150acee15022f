import { describe, expect, it } from 'vitest';
import { createLoginLimits } from '../../src/sessions/login-limits.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { buildGateway } from '../conformance/harness.js';

const PASSWORD = 'Str0ng!Passw0rd';

async function gatewayWithShopper(env: Record<string, string>) {
  const gw = buildGateway('memory', { BACKENDS: 'memory', CLIENT_ADDRESS_HEADER: 'X-Forwarded-For', ...env });
  expect(
    (await gw.call('POST', '/v1/customers', { email: 'lena@example.com', lastName: 'Lena', password: PASSWORD }))
      .status,
  ).toBe(201);
  // The proxy appends the address it saw to whatever the client sent.
  const login = (email: string, password: string, client = '203.0.113.7', clientWritten = '10.9.9.9') =>
    gw.call('POST', '/v1/auth/login', { email, password }, { 'x-forwarded-for': `${clientWritten}, ${client}` });
  return { gw, login };
}

describe('failed-login limits (LOGIN_ACCOUNT_LIMIT, LOGIN_CLIENT_LIMIT)', () => {
  it('locks an account after its limit with 429 + Retry-After, the right password included, and says the same for an unknown email', async () => {
    const { login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '3/600', LOGIN_CLIENT_LIMIT: '100/600' });
    for (const email of ['lena@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 3; i++) expect((await login(email, 'Wr0ng!Passw0rd', `198.51.100.${i}`)).status).toBe(401);
    }
    const known = await login('lena@example.com', PASSWORD, '198.51.100.9');
    const unknown = await login('ghost@example.com', PASSWORD, '198.51.100.9');
    for (const res of [known, unknown]) {
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('rate_limited');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
    }
    const shape = ({ requestId: _id, detail, ...rest }: Record<string, unknown>) => ({
      ...rest,
      detail: String(detail).replace(/\d+/g, 'N'),
    });
    expect(shape(known.body)).toEqual(shape(unknown.body));
    // Other accounts are not affected.
    expect((await login('someone@example.com', 'Wr0ng!Passw0rd', '198.51.100.9')).status).toBe(401);
  });

  it('parallel guesses cannot slip past the limit: each attempt is counted before the platform is asked', async () => {
    const { login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '3/600' });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login('lena@example.com', `Guess-${i}-Pw`)));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(7);
  });

  it('limits one client address across accounts, not other addresses', async () => {
    const { login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '100/600', LOGIN_CLIENT_LIMIT: '4/600' });
    for (let i = 0; i < 4; i++) expect((await login(`probe${i}@example.com`, 'Wr0ng!Passw0rd')).status).toBe(401);
    const blocked = await login('lena@example.com', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    expect((await login('lena@example.com', PASSWORD, '192.0.2.55')).status).toBe(200);
  });

  it("a client over its own limit cannot lock others' accounts: its refused attempts do not count against them", async () => {
    const { login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '3/600', LOGIN_CLIENT_LIMIT: '4/600' });
    for (let i = 0; i < 4; i++) expect((await login(`probe${i}@example.com`, 'Wr0ng!Passw0rd')).status).toBe(401);
    for (let i = 0; i < 6; i++) expect((await login('lena@example.com', 'Wr0ng!Passw0rd')).status).toBe(429);
    expect((await login('lena@example.com', PASSWORD, '192.0.2.55')).status).toBe(200);
  });

  it('an IPv6 client cannot escape its limit by taking a new address within its /64 for every try', async () => {
    const { login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '100/600', LOGIN_CLIENT_LIMIT: '4/600' });
    const within = ['2001:db8:7:1::1', '2001:db8:7:1::2', '2001:0db8:0007:0001:ffff::9', '2001:db8:7:1:abcd::'];
    for (const [i, address] of within.entries())
      expect((await login(`probe${i}@example.com`, 'Wr0ng!Passw0rd', address)).status).toBe(401);
    expect((await login('lena@example.com', PASSWORD, '2001:db8:7:1:1234:5678:9abc:def0')).status).toBe(429);
    // Another /64 is another client; so is an IPv4 client (as Node's dual-stack sockets write it too).
    expect((await login('lena@example.com', PASSWORD, '2001:db8:7:2::1')).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await login(`probe${i}@example.com`, 'Wr0ng!Passw0rd', '::ffff:192.0.2.8')).status).toBe(401);
    expect((await login('lena@example.com', PASSWORD, '192.0.2.8')).status).toBe(429);
  });

  it('a client cannot escape its limit by writing its own X-Forwarded-For entries', async () => {
    const { login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '100/600', LOGIN_CLIENT_LIMIT: '4/600' });
    for (let i = 0; i < 4; i++)
      expect((await login(`probe${i}@example.com`, 'Wr0ng!Passw0rd', '203.0.113.7', `198.51.100.${i}`)).status).toBe(
        401,
      );
    expect((await login('lena@example.com', PASSWORD, '203.0.113.7', '198.51.100.200')).status).toBe(429);
  });

  it('a successful login clears the account counter', async () => {
    const { login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '3/600' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect((await login('lena@example.com', 'Wr0ng!Passw0rd')).status).toBe(401);
      expect((await login('lena@example.com', PASSWORD)).status).toBe(200);
    }
  });

  it('wrong current passwords on PUT /v1/me/password count too: a stolen token is no password oracle', async () => {
    const { gw, login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '3/600' });
    const auth = {
      authorization: `Bearer ${(await login('lena@example.com', PASSWORD)).body.accessToken}`,
      'x-forwarded-for': '203.0.113.7',
    };
    for (let i = 0; i < 3; i++) {
      expect(
        (await gw.call('PUT', '/v1/me/password', { currentPassword: `Guess-${i}-Pw`, password: 'N3w!Passw0rd' }, auth))
          .status,
      ).toBe(400);
      // Another method on the same path (a 404, no error raised) is no success that clears the count.
      for (const method of ['GET', 'POST', 'DELETE'])
        expect((await gw.call(method, '/v1/me/password', undefined, auth)).status).toBe(404);
    }
    const blocked = await gw.call(
      'PUT',
      '/v1/me/password',
      { currentPassword: PASSWORD, password: 'N3w!Passw0rd' },
      auth,
    );
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    expect((await login('lena@example.com', PASSWORD)).status).toBe(200);
  });

  it('a PUT /v1/me/password without currentPassword, or malformed, is no guess: it does not count', async () => {
    const { gw, login } = await gatewayWithShopper({ LOGIN_ACCOUNT_LIMIT: '3/600' });
    const auth = { authorization: `Bearer ${(await login('lena@example.com', PASSWORD)).body.accessToken}` };
    for (const body of [{ password: 'N3w!Passw0rd' }, { currentPassword: 42, password: 'N3w!Passw0rd' }, {}]) {
      const refused = await gw.call('PUT', '/v1/me/password', body, auth);
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    }
    const changed = await gw.call(
      'PUT',
      '/v1/me/password',
      { currentPassword: PASSWORD, password: 'N3w!Passw0rd' },
      auth,
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
  });
});

describe('Retry-After of a failed-login lock', () => {
  it('counts from the attempt that opened the window, however many successes were given back since', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const store = createMemoryStore({ now });
    const limits = createLoginLimits(
      store,
      { perAccount: { limit: 100, windowSeconds: 60 }, perClient: { limit: 2, windowSeconds: 60 } },
      now,
    );
    // A success opens the client's window (t = 0) and gives its attempt back.
    await (await limits.begin('memory', 'a@example.com', 'client')).succeeded();
    clock += 30_000;
    // Failures from t = 30 s: the window (and the counter) still end at t = 60 s.
    await limits.begin('memory', 'b@example.com', 'client');
    await limits.begin('memory', 'c@example.com', 'client');
    const refused = await limits.begin('memory', 'd@example.com', 'client').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfter: 30 });
    clock += 30_001;
    // As Retry-After said: the window is over.
    await expect(limits.begin('memory', 'e@example.com', 'client')).resolves.toBeDefined();
  });
});
