import { describe, expect, it } from 'vitest';
import type { CustomerAdapter } from '../../adapters/types.js';
import { createResetTokens, RESET_TOKEN_MS } from '../../src/accounts/reset-tokens.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { buildGateway } from '../conformance/harness.js';
import { testContext } from '../adapters/support.js';
import { recordingAccountEvents } from './recording-events.js';

const { ctx } = testContext();

const PASSWORD = 'Str0ng!Passw0rd';
const KNOWN = 'lena@example.com';
const UNKNOWN = 'ghost@example.com';

/** The memory backend with one shopper, a recording event sink, client addresses from X-Forwarded-For. */
async function gateway(env: Record<string, string> = {}, options: { sink?: boolean; logLines?: string[] } = {}) {
  const events = recordingAccountEvents();
  const gw = buildGateway(
    'memory',
    { BACKENDS: 'memory', CLIENT_ADDRESS_HEADER: 'X-Forwarded-For', MEMORY_SEED: 'false', ...env },
    options.logLines,
    options.sink === false ? {} : { accountEvents: events },
  );
  const created = await gw.call('POST', '/v1/customers', { email: KNOWN, lastName: 'Lena', password: PASSWORD });
  expect(created.status).toBe(201);
  const from = (client: string) => ({ 'x-forwarded-for': client });
  const request = (email: string, client = '203.0.113.7') =>
    gw.call('POST', '/v1/auth/password-reset', { email }, from(client));
  const confirm = (token: string, password: string, client = '203.0.113.7') =>
    gw.call('POST', '/v1/auth/password-reset/confirm', { token, password }, from(client));
  return { gw, events, request, confirm, customerId: created.body.id as string };
}

/** What a client sees of an answer: status, Retry-After, and the body without its request id. */
const seen = (res: { status: number; headers: Headers; body: any }) => {
  const { requestId: _id, detail, ...body } = res.body ?? {};
  // "try again in N s" counts down as the test runs.
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after') !== null,
    body,
    detail: String(detail).replace(/\d+/g, 'N'),
  };
};

describe('password reset abuse', () => {
  it('1,000 requests for one email from one client are limited (429 + Retry-After) exactly alike for a known and an unknown email', async () => {
    const { gw, events, request } = await gateway();
    const answers: Record<string, ReturnType<typeof seen>[]> = {};
    for (const [email, client] of [
      [KNOWN, '198.51.100.1'],
      [UNKNOWN, '198.51.100.2'],
    ] as const) {
      answers[email] = [];
      for (let i = 0; i < 1000; i++) answers[email]!.push(seen(await request(email, client)));
    }
    expect(answers[KNOWN]).toEqual(answers[UNKNOWN]);
    const statuses = answers[KNOWN]!.map((a) => a.status);
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    expect(answers[KNOWN]!.slice(5).every((a) => a.retryAfter && a.body.code === 'rate_limited')).toBe(true);
    await gw.deps.background.settled();
    // Only the accepted requests for the known email issued a token.
    expect(events.events.filter((e) => e.type === 'customer.password_reset.requested')).toHaveLength(5);
  });

  it('one client asking for many emails is limited per client address too', async () => {
    const { request } = await gateway({ PASSWORD_RESET_CLIENT_LIMIT: '10/3600' });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await request(`someone-${i}@example.com`, '192.0.2.50')).status);
    expect(statuses).toEqual([...Array(10).fill(202), 429, 429]);
    expect((await request('someone-0@example.com', '192.0.2.51')).status).toBe(202);
  });

  it('answers before the platform is even asked, for a known and an unknown email alike', async () => {
    const { gw, events, request, customerId } = await gateway();
    const configured = gw.deps.backends.get('memory')!;
    let asked = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const blocked: CustomerAdapter = {
      ...configured,
      async listCustomers(query, ctx) {
        asked++;
        await gate;
        return configured.listCustomers!(query, ctx);
      },
    };
    gw.deps.backends.set('memory', blocked);

    const known = await request(KNOWN);
    const unknown = await request(UNKNOWN, '203.0.113.8');
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(seen(known)).toEqual(seen(unknown));
    expect(events.events).toEqual([]);
    open();
    await gw.deps.background.settled();
    expect(asked).toBe(2);
    expect(events.events.map((e) => e.customerId)).toEqual([customerId]);
  });

  it('a confirmation cannot be guessed at volume: per client address, then 429', async () => {
    const { confirm } = await gateway({ PASSWORD_RESET_CLIENT_LIMIT: '5/3600' });
    const forged = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await confirm(forged(), 'N3w!Passw0rd', '192.0.2.9')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
  });

  it('two confirmations of one token at once: exactly one sets its password', async () => {
    const { gw, events, request, confirm } = await gateway();
    expect((await request(KNOWN)).status).toBe(202);
    const { token } = await events.next('customer.password_reset.requested');
    const results = await Promise.all([confirm(token, 'First!Passw0rd'), confirm(token, 'Second!Passw0rd')]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
    const winner = results[0]!.status === 204 ? 'First!Passw0rd' : 'Second!Passw0rd';
    expect((await gw.call('POST', '/v1/auth/login', { email: KNOWN, password: winner })).status).toBe(200);
  });

  it('a customer deactivated on the platform itself after the mail went out: the token sets no password', async () => {
    const { gw, events, request, confirm, customerId } = await gateway();
    expect((await request(KNOWN)).status).toBe(202);
    const { token } = await events.next('customer.password_reset.requested');
    // Not through the gateway (which revokes the tokens then): the shop's own back office.
    const platform = gw.deps.backends.get('memory')!;
    const setActive = (active: boolean) => platform.updateCustomer({ kind: 'id', id: customerId }, { active }, {}, ctx);
    await setActive(false);
    const refused = await confirm(token, 'N3w!Passw0rd1');
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'token', message: 'not valid' }]);
    await setActive(true);
    expect((await gw.call('POST', '/v1/auth/login', { email: KNOWN, password: PASSWORD })).status).toBe(200);
  });

  it('without a signed event sink: 501 for every email alike, an error for the operator, nothing looked up', async () => {
    const logLines: string[] = [];
    const { request } = await gateway({}, { sink: false, logLines });
    const [known, unknown] = [await request(KNOWN), await request(UNKNOWN)];
    expect(known.status).toBe(501);
    expect(seen(known)).toEqual(seen(unknown));
    expect(known.body.detail).toMatch(/signed event sink/);
    const records = logLines.map((l) => JSON.parse(l));
    expect(records.filter((r) => r.level === 'error' && /password reset refused/.test(r.msg))).toHaveLength(2);
    const resets = records.filter((r) => r.msg === 'request completed' && r.path === '/v1/auth/password-reset');
    expect(resets).toHaveLength(2);
    for (const line of resets) expect(line).not.toHaveProperty('ops');
  });

  it('never logs the token or the passwords, even at debug', async () => {
    const logLines: string[] = [];
    const { gw, events, request, confirm } = await gateway({}, { logLines });
    await request(KNOWN);
    const { token } = await events.next('customer.password_reset.requested');
    expect((await confirm(token, 'N3w!Passw0rd-x')).status).toBe(204);
    await gw.deps.background.settled();
    const all = logLines.join('\n');
    for (const secret of [token, 'N3w!Passw0rd-x', PASSWORD]) expect(all).not.toContain(secret);
    expect(all).toContain('password reset token issued');
  });
});

describe('reset tokens (shared store)', () => {
  it('are good for 30 minutes and one use, stored only as digests, and revoked together', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const now = () => clock;
    const store = createMemoryStore({ now });
    const tokens = createResetTokens(store, now);
    const first = await tokens.issue('memory', '7', 'a@example.com');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.expiresAt).toBe('2030-01-01T00:30:00.000Z');
    const stored = await store.get(`password-reset:token:${first.token}`);
    expect(stored).toBeUndefined();

    const redeemed = await tokens.redeem(first.token);
    expect(redeemed).toMatchObject({ backend: 'memory', customerId: '7' });
    expect(await redeemed.sentTo('A@Example.com')).toBe(true);
    expect(await redeemed.sentTo('b@example.com')).toBe(false);
    await expect(tokens.redeem(first.token)).rejects.toMatchObject({ code: 'validation_failed' });
    await redeemed.giveBack();
    expect((await tokens.redeem(first.token)).customerId).toBe('7');

    const late = await tokens.issue('memory', '7', 'a@example.com');
    clock += RESET_TOKEN_MS + 1;
    await expect(tokens.redeem(late.token)).rejects.toMatchObject({ code: 'validation_failed' });

    const [a, b] = [
      await tokens.issue('memory', '7', 'a@example.com'),
      await tokens.issue('memory', '7', 'a@example.com'),
    ];
    const other = await tokens.issue('memory', '8', 'c@example.com');
    clock += 1;
    expect(await tokens.revokeAll('memory', '7')).toBe(2);
    for (const t of [a, b]) await expect(tokens.redeem(t.token)).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await tokens.redeem(other.token)).customerId).toBe('8');
  });
});

describe('a reset lifts the lockout it is the way out of', () => {
  it('after too many failed logins and wrong current passwords, the new password signs in and is taken at once', async () => {
    const { gw, events, request, confirm, customerId } = await gateway();
    const login = (password: string, client: string) =>
      gw.call('POST', '/v1/auth/login', { email: KNOWN, password }, { 'x-forwarded-for': client });
    const session = (await login(PASSWORD, '198.51.100.1')).body;
    const guess = () =>
      gw.call(
        'PUT',
        '/v1/me/password',
        { currentPassword: 'Wr0ng!Guess00', password: 'N3w!Passw0rd1' },
        { authorization: `Bearer ${session.accessToken}`, 'x-forwarded-for': '198.51.100.1' },
      );
    // A different client address per attempt: the account's own counters lock, not a client's.
    for (let i = 0; i < 5; i++) expect((await login('Wr0ng!Guess00', `198.51.100.${10 + i}`)).status).toBe(401);
    expect((await login(PASSWORD, '198.51.100.20')).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(400);
    expect((await guess()).status).toBe(429);

    expect((await request(KNOWN)).status).toBe(202);
    const { token } = await events.next('customer.password_reset.requested', (e) => e.customerId === customerId);
    expect((await confirm(token, 'Res3t!Passw0rd')).status).toBe(204);

    const fresh = await login('Res3t!Passw0rd', '198.51.100.21');
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    const changed = await gw.call(
      'PUT',
      '/v1/me/password',
      { currentPassword: 'Res3t!Passw0rd', password: 'N3w!Passw0rd1' },
      { authorization: `Bearer ${fresh.body.accessToken}`, 'x-forwarded-for': '198.51.100.21' },
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
  });
});
