import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { createScapiEmulator } from '../../emulators/scapi/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import type { FaultSpec } from '../../emulators/shared/faults.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import type { Emulator, EmulatorOptions } from '../../emulators/shared/types.js';
import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { freePort, runScript } from '../e2e/support.js';
import { asInstanceEnv } from '../instances/support.js';

/**
 * `npm run doctor` as operators run it (a child process, env only), against emulators served over
 * HTTP (and one over HTTPS with a self-signed certificate), each backend an instance with its own
 * fault: one line per backend says what is wrong and which variable to fix.
 */
const create: Record<string, (options?: EmulatorOptions) => Emulator<unknown>> = {
  sfcc: createSfccEmulator,
  scayle: createScayleEmulator,
  open2b: createOpen2bEmulator,
  scapi: createScapiEmulator,
};
const closers: (() => Promise<unknown>)[] = [];

/** An emulator of `platform` on loopback, with `faults`, configured as instance `name`. */
async function served(name: string, platform: string, faults: FaultSpec[] = []) {
  const emulator = create[platform]!({ faults });
  const server = await serveOnLoopback(emulator.app);
  closers.push(() => server.close());
  return asInstanceEnv(name, platform, emulator.connectionEnv(server.origin));
}

/** The same over HTTPS with a certificate made now (openssl), which this machine does not trust. */
async function servedOverTls(name: string, platform: string): Promise<Record<string, string> | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-tls-'));
  closers.push(async () => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  const emulator = create[platform]!();
  const origin = await new Promise<string>((resolve) => {
    const server = serve(
      {
        fetch: emulator.app.fetch,
        hostname: '127.0.0.1',
        port: 0,
        createServer: createHttpsServer,
        serverOptions: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      },
      (info: AddressInfo) => resolve(`https://127.0.0.1:${info.port}`),
    );
    closers.push(() => new Promise((done) => server.close(done)));
  });
  return asInstanceEnv(name, platform, emulator.connectionEnv(origin));
}

afterAll(async () => {
  for (const close of closers) await close();
});

describe('npm run doctor', () => {
  let failing: { code: number | null; stdout: string; stderr: string };
  let tlsReason: string | undefined;

  beforeAll(async () => {
    const closedPort = await freePort();
    const refused = await served('refused', 'scayle');
    const dns = await served('dns', 'open2b');
    const tls = await servedOverTls('tls', 'scayle');
    if (!tls) tlsReason = 'openssl is not installed: no self-signed certificate for the TLS case';
    const env: Record<string, string> = {
      BACKENDS: `refused:scayle,dns:open2b,${tls ? 'tls:scayle,' : ''}token:scayle,revoked:sfcc,shop:scayle,list:sfcc,perm:sfcc,site:scapi,path:open2b,skew:open2b`,
      ...refused,
      REFUSED_BASE_URL: `http://127.0.0.1:${closedPort}/api/admin/v1`,
      ...dns,
      DNS_BASE_URL: 'http://customer-gateway-doctor.invalid/api/v6',
      ...tls,
      ...(await served('token', 'scayle')),
      TOKEN_ACCESS_TOKEN: 'a-token-scayle-does-not-know',
      ...(await served('revoked', 'sfcc', [{ refuseCredentials: true }])),
      ...(await served('shop', 'scayle')),
      SHOP_SHOP_KEY: 'no-such-shop',
      ...(await served('list', 'sfcc')),
      LIST_CUSTOMER_LIST: 'NoSuchList',
      ...(await served('perm', 'sfcc', [{ path: '/customer_search', forbidden: true }])),
      ...(await served('site', 'scapi')),
      SITE_SITE_ID: 'NoSuchSite',
      ...(await served('path', 'open2b')),
      ...(await served('skew', 'open2b', [{ clockSkewSeconds: 600 }])),
    };
    env.PATH_BASE_URL = env.PATH_BASE_URL!.replace('/api/v6', '/api/v5');
    failing = await runScript('doctor', [], env);
  }, 60_000);

  const lineOf = (name: string) => {
    const line = failing.stdout.split('\n').find((l) => l.includes(` ${name} (`));
    expect(line, failing.stdout + failing.stderr).toBeDefined();
    return line!;
  };

  it('exits 1 and gives one line per backend and one for the store', () => {
    expect(failing.code).toBe(1);
    const lines = failing.stdout.trim().split('\n');
    expect(lines).toHaveLength((tlsReason ? 10 : 11) + 1);
    expect(lines.at(-1)).toMatch(/^ok {4}store \(memory\)/);
  });

  it('tells an unreachable host (connection refused, name unknown) and names the base URL to fix', () => {
    expect(lineOf('refused')).toMatch(
      /^FAIL {2}refused \(scayle at 127\.0\.0\.1:\d+\): host unreachable: .*ECONNREFUSED.*; check REFUSED_BASE_URL$/,
    );
    expect(lineOf('dns')).toMatch(/host unreachable: .*does not resolve \(ENOTFOUND\); check DNS_BASE_URL$/);
  });

  it('tells a TLS failure apart', (ctx) => {
    if (tlsReason) {
      console.warn(`skipping the TLS case: ${tlsReason}`);
      return ctx.skip();
    }
    expect(lineOf('tls')).toMatch(/TLS failure: .*self-signed.*; check TLS_BASE_URL$/);
  });

  it('tells refused credentials (a wrong token, a revoked API client) and names them', () => {
    expect(lineOf('token')).toMatch(/credentials refused: .*HTTP 401.*; check TOKEN_ACCESS_TOKEN$/);
    expect(lineOf('revoked')).toMatch(
      /credentials refused: Account Manager token: .*; check REVOKED_CLIENT_ID, REVOKED_CLIENT_SECRET, REVOKED_OAUTH_URL$/,
    );
  });

  it('tells an unknown shop, customer list, site or store path, and names the setting', () => {
    expect(lineOf('shop')).toMatch(
      /shop\/site\/list unknown: shop no-such-shop country DE: .*HTTP 404.*; check SHOP_SHOP_KEY, SHOP_COUNTRY_CODE$/,
    );
    expect(lineOf('list')).toMatch(
      /shop\/site\/list unknown: .*no customer list NoSuchList.*; check LIST_CUSTOMER_LIST$/,
    );
    expect(lineOf('site')).toMatch(/shop\/site\/list unknown: .*site NoSuchSite.*; check SITE_SITE_ID$/);
    expect(lineOf('path')).toMatch(/shop\/site\/list unknown: .*HTTP 404.*; check PATH_BASE_URL$/);
  });

  it('tells a missing permission: the Data API client lacking customer_search', () => {
    expect(lineOf('perm')).toMatch(
      /missing permission: .*customer_search.*Business Manager, OCAPI settings, Data API; check PERM_CLIENT_ID$/,
    );
    // The checks before it worked, and it says so only for the failing one.
    expect(lineOf('perm')).not.toContain('Shop API customers on the site:');
  });

  it('tells clock skew from the upstream Date header', () => {
    expect(lineOf('skew')).toMatch(
      /^FAIL {2}skew \(open2b at .*\): clock skew: its clock \(its Date header\) is (599|600|601) s ahead of this machine's/,
    );
  });

  it('with the shared store unreachable: one failed line for it, and every backend still checked', async () => {
    const closedPort = await freePort();
    const env = {
      BACKENDS: 'scayle,open2b',
      ...Object.assign({}, ...(await Promise.all(['scayle', 'open2b'].map((p) => served(p, p))))),
      STORE: 'redis',
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
    };
    const run = await runScript('doctor', [], env);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ok {4}scayle \(/);
    expect(lines[1]).toMatch(/^ok {4}open2b \(/);
    expect(lines[2]).toMatch(/^FAIL {2}store \(redis\): /);
  }, 60_000);

  it('exits 0 with an ok line per backend when everything works, over HTTP', async () => {
    const env = {
      BACKENDS: 'sfcc,scayle,open2b,scapi,us:sfcc',
      ...Object.assign({}, ...(await Promise.all(['sfcc', 'scayle', 'open2b', 'scapi'].map((p) => served(p, p))))),
      ...(await served('us', 'sfcc')),
    };
    const healthy = await runScript('doctor', [], env);
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    const lines = healthy.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.startsWith('ok    '))).toBe(true);
    expect(lines[0]).toMatch(
      /^ok {4}sfcc \(sfcc at 127\.0\.0\.1:\d+\): Account Manager token, Shop API customers on the site, Data API customer list SiteGenesis$/,
    );
    expect(lines[3]).toMatch(/scapi .*: Account Manager token, customer list .*, SLAS guest token for site /);
    expect(lines[4]).toMatch(/^ok {4}us \(sfcc at /);
  }, 60_000);
});
