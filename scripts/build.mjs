/**
 * Compiles the Node entry (src/node.ts) and the command line tools (CLI_ENTRIES: npm run migrate,
 * emulator, doctor) to JavaScript under dist/node/ with esbuild, so they run plain JS instead of a
 * TypeScript loader. npm packages are bundled too (CommonJS ones keep
 * their `require` of Node built-ins through the banner below); what is loaded only on demand (the
 * embedded emulators, when a backend has no base URL; the tracing SDK; the Redis and NATS
 * clients) becomes chunks of its own. Runs from `prepare` (npm ci / npm install) and, when dist/ is missing
 * or older than the sources, from scripts/fresh-build.mjs. Run directly, it also writes the Worker's
 * static assets (scripts/worker-assets.mjs).
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkerAssets } from './worker-assets.mjs';
import { CLI_ENTRIES } from './fresh-build.mjs';
import { kyConstructionPlugin } from './ky-build-patch.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist', 'node');
/** Written last: its mtime says when the build finished. */
export const STAMP = join(OUT_DIR, '.built');

export async function buildNode() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { node: 'src/node.ts', ...CLI_ENTRIES },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // i18n-iso-countries' Node entry registers every language's country names (900 KiB); the
    // gateway only checks and converts codes, which its core (the browser entry) does alone.
    alias: { 'i18n-iso-countries': 'i18n-iso-countries/index.js' },
    minify: process.env.GATEWAY_BUILD_MINIFY !== '0',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __gatewayCreateRequire } from 'node:module'; const require = __gatewayCreateRequire(import.meta.url);",
    },
    sourcemap: true,
    plugins: [kyConstructionPlugin(ROOT)],
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    logLevel: 'warning',
  });
  // Each file lands by rename, the entries (everything outside chunks/) last, so a start running
  // at the same time never imports a half-written file (chunk names carry their content hash).
  const isEntry = (path) => dirname(path) === OUT_DIR;
  const files = [...result.outputFiles].sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)));
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  writeFileSync(STAMP, new Date().toISOString());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildNode();
  buildWorkerAssets();
}
