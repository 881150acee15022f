import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const ADMIN = 'admin-key-logged-0123456789';
const STOREFRONT = 'storefront-key-logged-0123456789';
const SIGNING = 'signing-secret-logged-0123456789abcdef';
const PASSWORD = 'Logged!Passw0rd';
const NEW_PASSWORD = 'Logged!N3w-Passw0rd';

describe('session secrets never reach the logs (LOG_LEVEL=debug logs headers and bodies)', () => {
  it('keys, passwords, access and refresh tokens of login, refresh, /v1/me, password change and logout are redacted', async () => {
    const lines: string[] = [];
    const gw = buildGateway(
      'memory',
      {
        BACKENDS: 'memory',
        API_KEYS: `admin:${ADMIN},storefront:${STOREFRONT}`,
        SESSION_SIGNING_KEYS: `k1:${SIGNING}`,
      },
      lines,
    );
    const key = { 'x-api-key': STOREFRONT };
    expect(
      (
        await gw.call(
          'POST',
          '/v1/customers',
          { email: 'logged-shopper@example.com', lastName: 'Logged', password: PASSWORD },
          { authorization: `Bearer ${ADMIN}` },
        )
      ).status,
    ).toBe(201);
    const login = await gw.call(
      'POST',
      '/v1/auth/login',
      { email: 'logged-shopper@example.com', password: PASSWORD },
      key,
    );
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const refreshed = await gw.call('POST', '/v1/auth/refresh', { refreshToken: login.body.refreshToken }, key);
    expect(refreshed.status).toBe(200);
    const shopper = { ...key, authorization: `Bearer ${refreshed.body.accessToken}` };
    expect((await gw.call('GET', '/v1/me', undefined, shopper)).status).toBe(200);
    expect(
      (await gw.call('PUT', '/v1/me/password', { currentPassword: PASSWORD, password: NEW_PASSWORD }, shopper)).status,
    ).toBe(204);
    expect((await gw.call('POST', '/v1/auth/logout', { refreshToken: refreshed.body.refreshToken }, key)).status).toBe(
      204,
    );

    const all = lines.join('\n');
    for (const secret of [
      ADMIN,
      STOREFRONT,
      SIGNING,
      PASSWORD,
      NEW_PASSWORD,
      login.body.accessToken,
      login.body.refreshToken,
      refreshed.body.accessToken,
      refreshed.body.refreshToken,
    ]) {
      expect(all).not.toContain(secret);
    }
    // The requests were logged (headers and bodies), with the secrets replaced.
    const records = lines.map(
      (l) => JSON.parse(l) as { msg: string; body?: Record<string, unknown>; headers?: Record<string, string> },
    );
    expect(records.filter((r) => r.msg === 'request body').map((r) => r.body)).toContainEqual({
      refreshToken: '[REDACTED]',
    });
    expect(records.find((r) => r.msg === 'request' && r.headers?.['x-api-key'])?.headers?.['x-api-key']).toBe(
      '[REDACTED]',
    );
  });
});
