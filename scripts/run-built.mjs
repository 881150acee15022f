/**
 * `npm run migrate|emulator|doctor`: `node scripts/run-built.mjs <cli> [args]` runs that command
 * line tool compiled (dist/node/<cli>.js; CLI_ENTRIES in scripts/fresh-build.mjs), compiled first only
 * when dist/ is missing or stale (scripts/fresh-build.mjs): a run starts in a few hundred
 * milliseconds instead of compiling its TypeScript on every start. The tool's own arguments
 * follow; `<cli>` is taken out of process.argv before the tool reads it.
 */
import { CLI_ENTRIES, freshEntry } from './fresh-build.mjs';

const [name] = process.argv.splice(2, 1);
if (!name || !(name in CLI_ENTRIES)) {
  console.error(`usage: node scripts/run-built.mjs <${Object.keys(CLI_ENTRIES).join('|')}> [args]`);
  process.exit(2);
}
await import(await freshEntry(name));
