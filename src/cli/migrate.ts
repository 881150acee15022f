/**
 * `npm run migrate -- --from <backend> --to <backend> [--dry-run] [--since ISO] [--report file]
 * [--resume file] [--batch-size n] [--max n] [--omit fields] [--inactive]`: copies customers between backends (src/migrate).
 * The only part of the migration that touches process, files and the terminal.
 */
import { constants } from 'node:fs';
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../../adapters/errors.js';
import { type CallContext } from '../../adapters/types.js';
import { createDeps } from '../deps.js';
import { parseEnv } from '../env.js';
import { createLogger } from '../logging/logger.js';
import { createUpstreamFetch } from '../runtime/upstream-fetch.js';
import {
  migrateCustomers,
  MigrationSetupError,
  parseMigrateArgs,
  parseResumePoint,
  progressReporter,
  reportJson,
  secretValues,
  resumePointJson,
  summaryLines,
  USAGE,
  UsageError,
  type MigrateArgs,
  type ResumePoint,
} from '../migrate/index.js';

const EXIT = { ok: 0, customersFailed: 1, usage: 2, interrupted: 130 } as const;

const say = (line: string) => process.stderr.write(`${line}\n`);

function fail(message: string): never {
  say(`migrate: ${message}`);
  process.exit(EXIT.usage);
}

async function readResumePoint(path: string): Promise<ResumePoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // first run: start at the beginning
    fail(`--resume ${path}: cannot be read (${(error as Error).message})`);
  }
  try {
    return parseResumePoint(text);
  } catch (error) {
    fail(`--resume ${path}: ${(error as Error).message}`);
  }
}

function parseArgsOrExit(): MigrateArgs {
  try {
    const args = parseMigrateArgs(process.argv.slice(2));
    if (args.help) {
      console.log(USAGE);
      process.exit(EXIT.ok);
    }
    return args;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`migrate: ${error.message}\n\n${USAGE}`);
    process.exit(EXIT.usage);
  }
}

/** Checked before migrating: a report or position that cannot be written afterwards would be lost. */
async function assertWritable(option: string, path: string | undefined): Promise<void> {
  if (path === undefined) return;
  try {
    await access(dirname(path), constants.W_OK);
  } catch {
    fail(`${option} ${path}: its directory does not exist or is not writable`);
  }
}

async function main() {
  const args = parseArgsOrExit();
  await assertWritable('--report', args.reportPath);
  await assertWritable('--resume', args.resumePath);
  const resumeFrom = args.resumePath ? await readResumePoint(args.resumePath) : undefined;

  // Only the two backends of this run are built, so an unrelated backend's settings cannot stop it.
  // Logs go to stderr and default to warnings: adapter calls are logged at info, once per call.
  let deps;
  try {
    const config = parseEnv({ LOG_LEVEL: 'warn', ...process.env, BACKENDS: `${args.from},${args.to}`, DEFAULT_BACKEND: args.from });
    const log = createLogger({ level: config.logLevel, write: (line) => void process.stderr.write(line.endsWith('\n') ? line : `${line}\n`) });
    // The process exits when done: its pooled sockets need no explicit close.
    deps = createDeps(config, { fetch: createUpstreamFetch({ connections: 16 }).fetch, log });
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
    throw error;
  }
  for (const name of [args.from, args.to]) {
    if (deps.emulators.has(name)) say(`migrate: ${name} runs on its embedded emulator (demo data that lives only as long as this process)`);
  }

  // First Ctrl-C: finish the customer in hand, then stop and save the position. Second: abort calls in flight.
  const stop = new AbortController();
  const abort = new AbortController();
  process.on('SIGINT', () => {
    if (!stop.signal.aborted) {
      say('\nmigrate: stopping after the current customer (Ctrl-C again to abort at once)');
      stop.abort();
    } else abort.abort();
  });

  const ctx: CallContext = {
    requestId: `migrate-${crypto.randomUUID()}`,
    signal: abort.signal,
    log: deps.log,
    setResponseHeader: () => {},
  };
  const progress = progressReporter(process.stderr);
  let result;
  try {
    result = await migrateCustomers({
      source: deps.backends.get(args.from)!,
      target: deps.backends.get(args.to)!,
      ctx,
      dryRun: args.dryRun,
      batchSize: args.batchSize,
      maxCustomers: args.maxCustomers,
      since: args.since,
      resumeFrom,
      omit: args.omit,
      createInactive: args.createInactive,
      stop: stop.signal,
      onProgress: (p) => progress.update(p),
    });
  } catch (error) {
    progress.finish();
    if (error instanceof MigrationSetupError) fail(error.message);
    throw error;
  }
  progress.finish();

  for (const line of summaryLines(result)) console.log(line);
  if (args.reportPath) {
    // Credentials this process knows (its environment, the embedded emulators'): never in the file.
    const known = { ...process.env, ...Object.assign({}, ...[...deps.emulators.values()].map((e) => e.connectionEnv(''))) };
    await writeFile(args.reportPath, reportJson(result, secretValues(known)), { mode: 0o600 });
    console.log(`report written to ${args.reportPath}`);
  }
  if (args.resumePath) {
    if (result.dryRun) {
      console.log(`dry run: ${args.resumePath} left as it was`);
    } else if (result.resumeFrom) {
      await writeFile(args.resumePath, resumePointJson(result.resumeFrom));
      console.log(`position saved to ${args.resumePath}: run the same command again to continue`);
    } else {
      await rm(args.resumePath, { force: true });
    }
  } else if (result.resumeFrom && !result.dryRun) {
    console.log(
      result.duplicateCheck === 'none'
        ? `to continue where this run stopped, use --resume <file> next time: ${result.target} cannot recognise customers an earlier run created, so starting over may duplicate them`
        : 'to continue where this run stopped, use --resume <file> next time; a plain re-run starts over and skips customers already migrated',
    );
  }

  if (result.stoppedBy?.code === 'stopped') process.exit(EXIT.interrupted);
  process.exit(result.counts.failed > 0 || result.stoppedBy ? EXIT.customersFailed : EXIT.ok);
}

await main();
