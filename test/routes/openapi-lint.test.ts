import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const run = promisify(execFile);

/** `redocly lint` with its recommended rules, as a CI job would run it, on the served document. */
async function lint(
  document: unknown,
): Promise<{ code: number; output: string; problems: { ruleId: string; severity: string; message: string }[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    const args = ['lint', file, '--extends=recommended', '--format=json'];
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const result = await run(join('node_modules', '.bin', 'redocly'), args, { env, maxBuffer: 16 * 1024 * 1024 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    const parsed = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      problems: { ruleId: string; severity: string; message: string }[];
    };
    return { code: result.code, output: result.stderr, problems: parsed.problems };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('OpenAPI document: security per route, servers, redocly recommended rules', () => {
  it('passes `redocly lint` (recommended) with and without API_KEYS: no finding but the license warning', async () => {
    const envs: Record<string, string>[] = [
      { BACKENDS: 'memory' },
      { BACKENDS: 'memory', API_KEYS: 'admin:admin-key-0123456789abcdef' },
    ];
    const results = await Promise.all(
      envs.map(async (env) =>
        lint(await (await buildGateway('memory', env).app.request('http://gateway.test:8787/openapi.json')).json()),
      ),
    );
    for (const { code, problems } of results) {
      // The one warning left: the project states no license (package.json is private) and invents none.
      const findings = problems
        .filter((p) => p.ruleId !== 'info-license')
        .map((p) => `${p.severity} ${p.ruleId}: ${p.message}`);
      expect(findings).toEqual([]);
      expect(code).toBe(0);
    }
  }, 60_000);

  it('names who may call each route, and the server the document came from', async () => {
    const doc = (await (
      await buildGateway('memory', { BACKENDS: 'memory', API_KEYS: 'admin:admin-key-0123456789abcdef' }).app.request(
        'http://gateway.test:8787/openapi.json',
      )
    ).json()) as any;
    expect(doc.servers).toEqual([{ url: 'http://gateway.test:8787', description: 'this gateway' }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminKey', 'apiKey', 'shopperToken']);
    expect(doc.paths['/v1/me'].get.security).toEqual([{ apiKey: [], shopperToken: [] }]);
    expect(doc.paths['/v1/me/addresses/{addressId}'].patch.security).toEqual([{ apiKey: [], shopperToken: [] }]);
    expect(doc.paths['/v1/auth/login'].post.security).toEqual([{ apiKey: [] }, { adminKey: [] }]);
    expect(doc.paths['/v1/backends/{backend}/auth/login'].post.security).toEqual([{ apiKey: [] }, { adminKey: [] }]);
    expect(doc.paths['/v1/customers/{customerId}'].get.security).toEqual([{ adminKey: [] }, { apiKey: [] }]);
    for (const operations of Object.values(doc.paths) as Record<string, { security?: unknown[] }>[]) {
      for (const operation of Object.values(operations)) expect(operation.security?.length).toBeGreaterThan(0);
    }
    // An open gateway says so: keys are optional there.
    const open = (await (
      await buildGateway('memory', { BACKENDS: 'memory' }).app.request('/openapi.json')
    ).json()) as any;
    expect(open.paths['/v1/customers'].get.security).toContainEqual({});
    expect(open.paths['/v1/me'].get.security).toEqual([{ shopperToken: [] }]);
  });
});
