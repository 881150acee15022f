/**
 * `npm start`: runs the compiled gateway (dist/node/node.js). Compiles it first only when dist/
 * is missing or older than a source file or the lockfile (a fresh clone whose `npm ci` did not run
 * `prepare`, or a source edit since), so a start normally loads no compiler at all.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

/**
 * V8's old generation grows to up to 4× what survived the last full GC before it collects again,
 * and never hands the pages back while load lasts. Under load the gateway promotes short-lived
 * objects (whatever is in flight when a scavenge comes), so with ~20 MB live it sat at ~95 MB of
 * old space (RSS ~200 MiB). Growing by 1.75× keeps the old space at ~35 MB (RSS ~130–140 MiB)
 * for more frequent full GCs (each marks ~20 MB, mostly concurrently). The factor is a trade
 * measured side by side (docs/performance.md, Memory). Since ky's Requests stopped following its
 * abort signal (transport/unlinked-request.ts) far less is promoted and the factor matters less: a
 * 60 s soak after GET load ends at 126 MiB with 1.75×, 128 with 2×, 131 with 2.25× (V8's own
 * factor: 150–180 MiB in side-by-side runs). Not a cap: the heap's ceiling is unchanged, it only
 * grows in smaller steps. Applied here, before anything is loaded, so the first limit V8 computes
 * already uses it (V8 reads the flag on every limit computation);
 * `node --heap-growing-percent=N scripts/start.mjs` overrides it (and
 * `--allocation-site-pretenuring` the second flag).
 *
 * `--no-allocation-site-pretenuring`: V8 watches where objects are allocated and, when most of a
 * site's objects survive a scavenge, allocates that site's objects in the old generation from then
 * on. Under load some site on the path of a page of 20 customers became one (V8 does not say
 * which): from then on each page's objects from it were old, and dead after the request they
 * still kept the young objects they point at through scavenges (a scavenge treats old-to-young
 * pointers as roots), so each page promoted ~24 KB and full GCs came ~10× as often.
 * Without pretenuring: 24.6 → 2.4 KB promoted per page, 589 → 487 µs of CPU per page (side by
 * side, 6 turns), GET customer unchanged or slightly better (bench/gc.ts, docs/performance.md).
 */
const V8_FLAGS = ['--heap-growing-percent=75', '--no-allocation-site-pretenuring'];
for (const flag of V8_FLAGS) {
  const name = (arg) =>
    arg
      .split('=')[0]
      .replaceAll('_', '-')
      .replace(/^--no-/, '--');
  if (!process.execArgv.some((arg) => name(arg) === name(flag))) setFlagsFromString(flag);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'node', 'node.js');
const stamp = join(root, 'dist', 'node', '.built');
const SOURCES = ['src', 'adapters', 'transport', 'emulators', 'schemas'];

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
