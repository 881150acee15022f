import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { kyConstructionPlugin, KY_VERSION, patchKySource } from '../../scripts/ky-build-patch.mjs';
import { checkKyConstruction } from '../../transport/ky-check.js';
import { BodylessRequest, KyAbortController, KyRequest, UnlinkedRequest } from '../../transport/ky-construction.js';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ky-construction-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const run = promisify(execFile);

/** transport/ky-check.ts bundled as scripts/build.mjs bundles the entry, with or without the patch; run in a child. */
async function bundledCheck(patched: boolean) {
  const outfile = join(scratch, `check-${patched}.mjs`);
  writeFileSync(
    join(scratch, `entry-${patched}.ts`),
    `import { checkKyConstruction } from ${JSON.stringify(join(root, 'transport', 'ky-check.ts'))};\n` +
      'await checkKyConstruction();\nconsole.log("ky ok");\n',
  );
  await build({
    entryPoints: [join(scratch, `entry-${patched}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    absWorkingDir: root,
    plugins: patched ? [kyConstructionPlugin(root)] : [],
    logLevel: 'silent',
  });
  return run(process.execPath, [outfile]).then(
    ({ stdout }) => ({ ok: true, output: stdout }),
    (error: { stderr: string }) => ({ ok: false, output: error.stderr }),
  );
}

describe('ky construction (scripts/ky-build-patch.mjs)', () => {
  it('the Node build starts with the patched ky and refuses, naming ky, without it', async () => {
    expect(await bundledCheck(true)).toEqual({ ok: true, output: 'ky ok\n' });
    const unpatched = await bundledCheck(false);
    expect(unpatched.ok).toBe(false);
    expect(unpatched.output).toMatch(/ky does not build its requests with transport\/ky-construction\.ts/);
  });

  it('in-process tests run the patched ky too (vitest.config.ts)', async () => {
    await expect(checkKyConstruction()).resolves.toBeUndefined();
  });

  it('refuses another ky version, or a Ky.js whose constructor moved, naming ky', () => {
    const fake = join(scratch, 'node_modules', 'ky');
    cpSync(join(root, 'node_modules', 'ky', 'package.json'), join(fake, 'package.json'));
    cpSync(join(root, 'node_modules', 'ky', 'distribution'), join(fake, 'distribution'), { recursive: true });
    const kyJs = join(fake, 'distribution', 'core', 'Ky.js');
    expect(patchKySource(kyJs, root)).toContain('new __GatewayKyRequest(this.#input, this.#options)');
    const pkg = JSON.parse(readFileSync(join(fake, 'package.json'), 'utf8'));
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ ...pkg, version: '1.14.4' }));
    expect(() => patchKySource(kyJs, root)).toThrow(`ky 1.14.4 is installed; the Node build patches ky ${KY_VERSION}`);
    writeFileSync(join(fake, 'package.json'), JSON.stringify(pkg));
    const source = readFileSync(kyJs, 'utf8');
    writeFileSync(
      kyJs,
      source.replace('new globalThis.Request(this.#input, this.#options)', 'new Request(this.#input)'),
    );
    expect(() => patchKySource(kyJs, root)).toThrow(/ky 1\.14\.3: Ky\.js no longer holds once/);
  });
});

describe('UnlinkedRequest does what Request does, but does not follow the signal it is given', () => {
  const url = 'https://upstream.example/api/customers?x=1';
  const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"ü"}' });

  it('has the same fields and body as new Request, read once, cloned into two readable copies', async () => {
    const ours = new UnlinkedRequest(url, init());
    const native = new Request(url, init());
    for (const request of [ours, native]) {
      expect(request).toBeInstanceOf(Request);
      const copy = request.clone();
      expect([request.url, request.method, request.headers.get('content-type'), request.bodyUsed]).toEqual([
        url,
        'POST',
        'application/json',
        false,
      ]);
      expect(await request.text()).toBe('{"a":"ü"}');
      expect(request.bodyUsed).toBe(true);
      await expect(request.text()).rejects.toThrow(TypeError);
      expect(() => request.clone()).toThrow(TypeError);
      expect(await copy.text()).toBe('{"a":"ü"}');
    }
  });

  it('answers the signal it was given as its own (aborted when that aborts), without a link to it', () => {
    const controller = new AbortController();
    const request = new UnlinkedRequest(url, { ...init(), signal: controller.signal });
    expect(request.signal).toBe(controller.signal);
    expect(request.clone().signal).toBe(controller.signal);
    controller.abort();
    expect(request.signal.aborted).toBe(true);
    expect(new UnlinkedRequest(url, init()).signal.aborted).toBe(false);
  });
});

describe('BodylessRequest: a bodyless call as the fields any fetch takes', () => {
  it('holds what new Request holds for it, is its own clone, and is sent as URL + init', async () => {
    const headers = new Headers({ accept: 'application/json' });
    const ours = new KyRequest('https://Upstream.Example:443/a/../b?q=1', {
      method: 'GET',
      headers,
    }) as BodylessRequest;
    const native = new Request('https://Upstream.Example:443/a/../b?q=1', { method: 'GET', headers });
    expect(ours).toBeInstanceOf(BodylessRequest);
    expect([ours.url, ours.method, ours.redirect, ours.body, ours.bodyUsed]).toEqual([
      native.url,
      native.method,
      native.redirect,
      native.body,
      native.bodyUsed,
    ]);
    expect(ours.headers).toBe(headers); // ky's fresh Headers, not a copy
    expect(ours.clone()).toBe(ours);
    const [input, sent] = ours.asFetchArguments({ signal: AbortSignal.abort() });
    expect(new Request(input, sent)).toMatchObject({ url: native.url, method: 'GET', redirect: 'follow' });
    expect(() => new KyRequest('not a url', { method: 'GET' })).toThrow(TypeError);
  });

  it('ky gets a Request for a body and for a Request given in', () => {
    expect(new KyRequest('https://upstream.example/', { method: 'POST', body: 'x' })).toBeInstanceOf(UnlinkedRequest);
    expect(new KyRequest(new Request('https://upstream.example/'), { method: 'GET' })).toBeInstanceOf(UnlinkedRequest);
  });

  it("ky's own controller is never aborted, and aborting it fails loudly (ky's timeout must stay off)", () => {
    const controller = new KyAbortController();
    expect(controller.signal.aborted).toBe(false);
    expect(() => controller.abort()).toThrow(/timeout: false/);
  });
});
