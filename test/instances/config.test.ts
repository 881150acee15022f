import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { selectEntries } from '../../src/instances.js';
import { configError } from '../support/config-error.js';

const scayle = (prefix: string, shop: string) => ({
  [`${prefix}_BASE_URL`]: 'https://tenant.admin.api.scayle.cloud/api/admin/v1',
  [`${prefix}_ACCESS_TOKEN`]: `token-of-${shop}`,
  [`${prefix}_SHOP_KEY`]: shop,
  [`${prefix}_COUNTRY_CODE`]: 'DE',
});

describe('BACKENDS with instances (<name>:<platform>)', () => {
  it('reads each instance from its own prefix, never from the platform variables, and keeps plain names as they were', () => {
    const config = parseEnv({
      BACKENDS: 'brand-a:scayle, brand-b:scayle, scayle, us:sfcc',
      ...scayle('BRAND_A', 'shop-a'),
      ...scayle('BRAND_B', 'shop-b'),
      ...scayle('SCAYLE', 'shop-plain'),
    });
    expect(config.backends.map((b) => [b.name, b.platform ?? b.name, b.embedded])).toEqual([
      ['brand-a', 'scayle', false],
      ['brand-b', 'scayle', false],
      ['scayle', 'scayle', false],
      ['us', 'sfcc', true], // no US_BASE_URL: its own embedded emulator
    ]);
    expect(config.backends.map((b) => (b.options as { shopKey?: string } | undefined)?.shopKey)).toEqual([
      'shop-a',
      'shop-b',
      'shop-plain',
      undefined,
    ]);
    // A plain name's entry has exactly today's shape.
    expect(config.backends[2]).toEqual({ name: 'scayle', embedded: false, options: expect.any(Object) });
    expect(config.defaultBackend).toBe('brand-a');
  });

  it("names the instance's own variable when one is missing or wrong, never the platform's and never a value", () => {
    const missing = configError({
      BACKENDS: 'brand-a:scayle',
      ...scayle('BRAND_A', 'shop-a'),
      BRAND_A_SHOP_KEY: '',
      SCAYLE_SHOP_KEY: 'not-read-by-brand-a',
    });
    expect(missing.variable).toBe('BRAND_A_SHOP_KEY');
    expect(missing.message).not.toContain('SCAYLE_');
    const invalid = configError({
      BACKENDS: 'eu:sfcc',
      EU_BASE_URL: 'https://h/s/Site/dw/shop/v20_4',
      EU_CLIENT_ID: 'id',
      EU_CLIENT_SECRET: 's3cr3t-value',
      EU_DATA_BASE_URL: 'https://h/s/-/dw/data/v20_4',
    });
    expect(invalid.variable).toBe('EU_CUSTOMER_LIST');
    expect(invalid.message).toContain('EU_DATA_BASE_URL');
    expect(invalid.message).not.toContain('s3cr3t-value');
  });

  it('refuses names that cannot be an instance, are used twice or would read another backend’s variables', () => {
    expect(configError({ BACKENDS: 'Brand_A:scayle' }).variable).toBe('BACKENDS');
    expect(configError({ BACKENDS: 'sfcc:scayle' }).message).toContain('sfcc');
    expect(configError({ BACKENDS: 'a:magento' }).message).toContain('magento');
    expect(configError({ BACKENDS: 'a:scayle,a:sfcc' }).message).toContain('twice');
    // sfcc-data:scayle would read SFCC_DATA_BASE_URL as its base URL: sfcc's own variable.
    expect(configError({ BACKENDS: 'sfcc,sfcc-data:scayle' }).message).toContain('SFCC_DATA_BASE_URL');
  });

  it('budgets per instance: UPSTREAM_BUDGET_<NAME>, else the platform’s published limit', () => {
    const config = parseEnv({
      BACKENDS: 'brand-a:scayle,brand-b:scayle',
      ...scayle('BRAND_A', 'a'),
      ...scayle('BRAND_B', 'b'),
      UPSTREAM_BUDGET_BRAND_A: '100/60',
    });
    expect(config.upstreamBudgets).toEqual({
      'brand-a': { limit: 100, windowSeconds: 60 },
      'brand-b': { limit: 300, windowSeconds: 60 },
    });
    expect(configError({ BACKENDS: 'brand-a:scayle', UPSTREAM_BUDGET_BRAND_A: 'lots' }).variable).toBe(
      'UPSTREAM_BUDGET_BRAND_A',
    );
  });

  it('limits API keys to instances with admin@a+b:<key>, and refuses a name that is not configured', () => {
    const config = parseEnv({
      BACKENDS: 'brand-a:memory,brand-b:memory',
      API_KEYS:
        'admin@brand-a+brand-b:both-brands-key-0123,storefront@brand-b:front-b-key-0123456,plain-key-0123456789',
    });
    expect(config.apiKeys).toEqual([
      { key: 'both-brands-key-0123', scope: 'admin', backends: ['brand-a', 'brand-b'] },
      { key: 'front-b-key-0123456', scope: 'storefront', backends: ['brand-b'] },
      { key: 'plain-key-0123456789', scope: 'admin' },
    ]);
    const unknown = configError({ BACKENDS: 'brand-a:memory', API_KEYS: 'admin@brand-c:unknown-brand-key-0123' });
    expect(unknown.variable).toBe('API_KEYS');
    expect(unknown.message).toContain('brand-c');
    expect(unknown.message).not.toContain('unknown-brand-key');
  });

  it('the migration keeps an instance’s entry when it cuts BACKENDS down to its two backends', () => {
    expect(selectEntries('us:sfcc, brand-a:scayle,brand-b:scayle', ['brand-a', 'brand-b'])).toBe(
      'brand-a:scayle,brand-b:scayle',
    );
    expect(selectEntries(undefined, ['sfcc', 'scayle'])).toBe('sfcc,scayle');
  });
});
