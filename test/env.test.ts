import { describe, expect, it } from 'vitest';
import { parseEnv } from '../src/env.js';
import { configError } from './support/config-error.js';

describe('parseEnv', () => {
  it('defaults to the three platforms on their embedded emulators, port 8787', () => {
    const config = parseEnv({});
    expect(config.port).toBe(8787);
    expect(config.defaultBackend).toBe('sfcc');
    expect(config.backends).toEqual([
      { name: 'sfcc', embedded: true, options: undefined },
      { name: 'scayle', embedded: true, options: undefined },
      { name: 'open2b', embedded: true, options: undefined },
    ]);
  });

  it('names the variable that is wrong, never its value', () => {
    expect(configError({ PORT: 'eighty' }).variable).toBe('PORT');
    expect(configError({ BACKENDS: 'sfcc,magento' }).message).toContain('magento');
    expect(configError({ BACKENDS: 'memory', DEFAULT_BACKEND: 'sfcc' }).variable).toBe('DEFAULT_BACKEND');
    const secret = configError({ BACKENDS: 'memory', CURSOR_SECRET: 'short-secret' });
    expect(secret.variable).toBe('CURSOR_SECRET');
    expect(secret.message).not.toContain('short-secret');
    expect(configError({ LOG_LEVEL: 'loud' }).variable).toBe('LOG_LEVEL');
    expect(configError({ EMULATOR_FAULTS: '{"drop":' }).variable).toBe('EMULATOR_FAULTS');
    expect(configError({ BACKENDS: 'memory', API_KEYS: 'short' }).variable).toBe('API_KEYS');
  });

  it('reads BACKENDS and DEFAULT_BACKEND', () => {
    const config = parseEnv({ BACKENDS: 'memory, sfcc', DEFAULT_BACKEND: 'sfcc', PORT: '9000', LOG_LEVEL: 'debug' });
    expect(config.backends.map((b) => b.name)).toEqual(['memory', 'sfcc']);
    expect(config).toMatchObject({ defaultBackend: 'sfcc', port: 9000, logLevel: 'debug' });
    expect(parseEnv({ BACKENDS: 'memory', EMULATOR_RATE_LIMIT: '300/60' }).emulatorRateLimit).toEqual({
      limit: 300,
      windowSeconds: 60,
    });
    expect(configError({ EMULATOR_RATE_LIMIT: 'lots' }).variable).toBe('EMULATOR_RATE_LIMIT');
    expect(parseEnv({ BACKENDS: 'memory', EMULATOR_FAULTS: '[{"status":503,"times":1}]' }).emulatorFaults).toEqual([
      { status: 503, times: 1 },
    ]);
  });
});

describe('parseEnv: sessions and scoped keys', () => {
  it('reads API_KEYS scopes (a bare key is an admin key) and SESSION_SIGNING_KEYS in order', () => {
    const config = parseEnv({
      API_KEYS: 'admin:admin-key-0123456789, storefront:front-key-0123456789 ,legacy-key-0123456789',
      SESSION_SIGNING_KEYS: `new:${'n'.repeat(32)},old:${'o'.repeat(40)}`,
    });
    expect(config.apiKeys).toEqual([
      { key: 'admin-key-0123456789', scope: 'admin' },
      { key: 'front-key-0123456789', scope: 'storefront' },
      { key: 'legacy-key-0123456789', scope: 'admin' },
    ]);
    expect(config.sessionSigningKeys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(parseEnv({}).sessionSigningKeys).toEqual([]);
    expect(parseEnv({}).loginLimits).toEqual({
      perAccount: { limit: 5, windowSeconds: 900 },
      perClient: { limit: 30, windowSeconds: 900 },
    });
  });

  it('names SESSION_SIGNING_KEYS, API_KEYS and the login limits when wrong, never the secret', () => {
    const short = configError({ SESSION_SIGNING_KEYS: 'k1:too-short-secret' });
    expect(short.variable).toBe('SESSION_SIGNING_KEYS');
    expect(short.message).not.toContain('too-short-secret');
    expect(configError({ SESSION_SIGNING_KEYS: `a:${'x'.repeat(32)},a:${'y'.repeat(32)}` }).message).toContain('kid');
    const key = configError({ API_KEYS: 'storefront:short' });
    expect(key.variable).toBe('API_KEYS');
    expect(key.message).not.toContain('short,');
    expect(configError({ LOGIN_ACCOUNT_LIMIT: 'five' }).variable).toBe('LOGIN_ACCOUNT_LIMIT');
    expect(configError({ CLIENT_ADDRESS_HEADER: 'x forwarded' }).variable).toBe('CLIENT_ADDRESS_HEADER');
    // Not silently the demo data for a typo of "false".
    expect(configError({ BACKENDS: 'memory', MEMORY_SEED: 'no' }).variable).toBe('MEMORY_SEED');
    expect(() => parseEnv({ BACKENDS: 'memory', MEMORY_SEED: 'false' })).not.toThrow();
  });
});

describe('parseEnv: shared store, idempotency and limits', () => {
  it('defaults to the memory store, optional Idempotency-Key, no caller limit, published budgets for real upstreams only', () => {
    const config = parseEnv({
      BACKENDS: 'sfcc,scayle,open2b',
      OPEN2B_BASE_URL: 'https://shop.example.com/api',
      OPEN2B_API_KEY: 'k'.repeat(32),
    });
    expect(config.store).toEqual({ kind: 'memory' });
    expect(config.idempotency).toBe('optional');
    expect(config.callerRateLimit).toBeUndefined();
    expect(config.upstreamBudgets).toEqual({
      sfcc: undefined,
      scayle: undefined,
      open2b: { limit: 1000, windowSeconds: 300 },
    });
  });

  it('reads STORE, REDIS_URL, IDEMPOTENCY, CALLER_RATE_LIMIT and UPSTREAM_BUDGET_<BACKEND>', () => {
    const config = parseEnv({
      BACKENDS: 'sfcc,scayle',
      STORE: 'redis',
      REDIS_URL: 'redis://:pw@127.0.0.1:6379/2',
      IDEMPOTENCY: 'required',
      CALLER_RATE_LIMIT: '120/60',
      UPSTREAM_BUDGET_SFCC: '50/1',
      UPSTREAM_BUDGET_SCAYLE: 'off',
      EMULATOR_RATE_LIMIT: '300/60',
    });
    expect(config.store).toEqual({ kind: 'redis', url: 'redis://:pw@127.0.0.1:6379/2', prefix: 'customer-gateway:' });
    expect(config.idempotency).toBe('required');
    expect(config.writeSettleMs).toBe(30_000);
    expect(parseEnv({ BACKENDS: 'memory', WRITE_SETTLE_MS: '0' }).writeSettleMs).toBe(0);
    expect(config.callerRateLimit).toEqual({ limit: 120, windowSeconds: 60 });
    expect(config.upstreamBudgets).toEqual({ sfcc: { limit: 50, windowSeconds: 1 }, scayle: undefined });
    // An embedded emulator with a rate limit gets that limit as its budget.
    expect(parseEnv({ BACKENDS: 'scayle', EMULATOR_RATE_LIMIT: '20/60' }).upstreamBudgets).toEqual({
      scayle: { limit: 20, windowSeconds: 60 },
    });
  });

  it('names the bad variable, never its value', () => {
    expect(configError({ STORE: 'etcd' }).variable).toBe('STORE');
    expect(configError({ STORE: 'redis' }).variable).toBe('REDIS_URL');
    const badUrl = configError({ STORE: 'redis', REDIS_URL: 'http://user:hunter2@host' });
    expect(badUrl.variable).toBe('REDIS_URL');
    expect(badUrl.message).not.toContain('hunter2');
    expect(configError({ IDEMPOTENCY: 'sometimes' }).variable).toBe('IDEMPOTENCY');
    expect(configError({ WRITE_SETTLE_MS: '-1' }).variable).toBe('WRITE_SETTLE_MS');
    expect(configError({ CALLER_RATE_LIMIT: '0/60' }).variable).toBe('CALLER_RATE_LIMIT');
    expect(configError({ BACKENDS: 'scayle', UPSTREAM_BUDGET_SCAYLE: 'fast' }).variable).toBe('UPSTREAM_BUDGET_SCAYLE');
  });
});
