/**
 * What `npm start` and the command line tools (scripts/run-built.mjs) run first: compiles
 * dist/node/ (scripts/build.mjs) only when it is missing or older than a source file or the
 * lockfile (a fresh clone whose `npm ci` did not run `prepare`, or a source edit since), so a
 * start normally loads no compiler at all. Answers the URL of the compiled entry `name` (`node`:
 * the gateway; the tools by their names).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The command line tools, built beside the gateway (they share its chunks): npm run migrate, emulator, doctor. */
export const CLI_ENTRIES = {
  migrate: 'migrate/cli/migrate.ts',
  emulator: 'src/cli/emulator.ts',
  doctor: 'src/doctor/cli.ts',
};

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', 'node', '.built');
// Every folder the build takes code from (migrate/lib: the live migration moves customers with it).
const SOURCES = ['src', 'adapters', 'transport', 'emulators', 'schemas', 'migrate'];

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

/** The file URL of the compiled entry `name`, compiled first when the build is missing or stale. */
export async function freshEntry(name) {
  let builtAt = 0;
  try {
    builtAt = statSync(stamp).mtimeMs;
  } catch {
    // Never built.
  }
  if (builtAt < newestSource()) await (await import('./build.mjs')).buildNode();
  return pathToFileURL(join(root, 'dist', 'node', `${name}.js`)).href;
}
