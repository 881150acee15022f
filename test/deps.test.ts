import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEnv } from '../src/env.js';
import { silentLog } from './adapters/support.js';

const runtime = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), log: silentLog };
const REAL_SCAYLE = {
  BACKENDS: 'scayle',
  SCAYLE_BASE_URL: 'http://127.0.0.1:9/api/admin/v1',
  SCAYLE_ACCESS_TOKEN: 'token',
  SCAYLE_SHOP_KEY: 'shop',
  SCAYLE_COUNTRY_CODE: 'DE',
};

describe('loadDeps: the embedded emulators are loaded only for backends without a base URL', () => {
  afterEach(() => {
    vi.doUnmock('../src/embedded.js');
    vi.resetModules();
  });

  it('never imports them when every backend has a base URL', async () => {
    const imports = { count: 0 };
    vi.doMock('../src/embedded.js', () => {
      imports.count += 1;
      return { embeddedEmulators: {} };
    });
    const { loadDeps } = await import('../src/deps.js');
    const deps = await loadDeps(parseEnv(REAL_SCAYLE), runtime);
    expect([...deps.backends.keys()]).toEqual(['scayle']);
    expect(deps.emulators.size).toBe(0);
    expect(imports.count).toBe(0);
    // The same module, once a backend needs its emulator: the import happens (and finds none here).
    await expect(loadDeps(parseEnv({ BACKENDS: 'scayle' }), runtime)).rejects.toThrow('SCAYLE_BASE_URL');
    expect(imports.count).toBe(1);
  });

  it('imports them and serves the demo data when a base URL is missing', async () => {
    const { loadDeps } = await import('../src/deps.js');
    const deps = await loadDeps(
      parseEnv({
        BACKENDS: 'scayle,sfcc',
        SCAYLE_BASE_URL: REAL_SCAYLE.SCAYLE_BASE_URL,
        SCAYLE_ACCESS_TOKEN: 'token',
        SCAYLE_SHOP_KEY: 'shop',
        SCAYLE_COUNTRY_CODE: 'DE',
      }),
      runtime,
    );
    expect([...deps.emulators.keys()]).toEqual(['sfcc']);
  });
});

describe('the memory store, when full', () => {
  /** The gateway's deps on the memory store, with the warnings its log was given. */
  async function depsWarningsKept() {
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const log = {
      ...silentLog,
      warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
    };
    const { loadDeps } = await import('../src/deps.js');
    return { deps: await loadDeps(parseEnv(REAL_SCAYLE), { ...runtime, log: log as typeof silentLog }), warnings };
  }

  it('has the gateway warn the operator (once a minute), naming STORE, when it drops live keys', async () => {
    const { deps, warnings } = await depsWarningsKept();
    const full = () => warnings.filter((w) => w.fields.variable === 'STORE');
    for (let i = 0; i < 100_000; i++) await deps.store.set(`k${i}`, 'v', 60_000);
    expect(full()).toEqual([]);
    for (let i = 0; i < 2_000; i++) await deps.store.set(`more${i}`, 'v', 60_000);
    expect(full()).toHaveLength(1);
    expect(full()[0]!.message).toContain('STORE=redis');
    expect(full()[0]!.fields.evicted).toBeGreaterThan(0);
  });

  it('has the gateway warn, naming STORE and the log, when a log (the events outbox) drops entries before their time', async () => {
    const { deps, warnings } = await depsWarningsKept();
    for (let i = 0; i < 50_000; i++) await deps.store.appendToLog('events:outbox', `e${i}`, 'x', 3_600_000);
    expect(warnings.filter((w) => w.fields.log !== undefined)).toEqual([]);
    await deps.store.appendToLog('events:outbox', 'one-more', 'x', 3_600_000);
    expect(warnings.filter((w) => w.fields.log !== undefined)).toEqual([
      {
        fields: { variable: 'STORE', log: 'events:outbox', dropped: 501 },
        message: expect.stringContaining('change events not yet delivered among them are lost'),
      },
    ]);
  });
});
