/**
 * `npm start`: runs the compiled gateway (dist/node/node.js). Compiles it first only when dist/
 * is missing or older than a source file or the lockfile (a fresh clone whose `npm ci` did not run
 * `prepare`, or a source edit since), so a start normally loads no compiler at all.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'node', 'node.js');
const stamp = join(root, 'dist', 'node', '.built');
const SOURCES = ['src', 'adapters', 'emulators', 'schemas'];

function newestSource() {
  let newest = statSync(join(root, 'package-lock.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  SOURCES.forEach((dir) => walk(join(root, dir)));
  return newest;
}

let builtAt = 0;
try {
  builtAt = statSync(stamp).mtimeMs;
} catch {
  // Never built.
}
if (builtAt < newestSource()) await (await import('./build.mjs')).buildNode();
// Source maps are written next to the build but not loaded by default (it costs start-up time):
// NODE_OPTIONS=--enable-source-maps makes stack traces name the TypeScript sources.
await import(pathToFileURL(entry).href);
