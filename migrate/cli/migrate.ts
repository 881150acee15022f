/**
 * `npm run migrate -- [verify] --from <backend> --to <backend> [options]` (see USAGE in
 * migrate/lib/args.ts): copies customers between backends (migrate/lib), or checks a copy.
 * The only part of the migration that touches process, files and the terminal.
 */
import { setMaxListeners } from 'node:events';
import { ConfigError, isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import { loadDeps } from '../../src/deps.js';
import { parseEnv, type GatewayConfig } from '../../src/env.js';
import { batchMoveClaim } from '../../src/live/index.js';
import { openNodeStore } from '../../src/store/open-node.js';
import type { SharedStore } from '../../src/store/types.js';
import { selectEntries } from '../../src/instances.js';
import { createLogger } from '../../src/logging/logger.js';
import { createUpstreamFetch } from '../../transport/node-fetch.js';
import {
  exportResumeProblem,
  exportSource,
  loadPasswordHashes,
  MAX_CONCURRENCY,
  migrateCustomers,
  MigrationSetupError,
  pacedFetch,
  parseMigrateArgs,
  progressReporter,
  reportHtml,
  reportCustomerLine,
  reportJsonFrame,
  HTML_REPORT_ROWS,
  secretValues,
  failedInLastRun,
  sinceLastRun,
  stateAfter,
  stateInProgress,
  summaryLines,
  USAGE,
  UsageError,
  type CustomerReport,
  type MigrateArgs,
  type MigrationState,
  type PasswordHashSource,
} from '../lib/index.js';
import { runVerify } from './verify.js';
import {
  assertWritable,
  customerSpool,
  customerStream,
  FileProblem,
  isOwnStdout,
  isStreamTarget,
  keepInterruptedOutcomes,
  readState,
  writePrivate,
  writeStateAtomically,
} from './files.js';

const EXIT = { ok: 0, customersFailed: 1, usage: 2, interrupted: 130 } as const;

const isHtml = (path: string) => path.toLowerCase().endsWith('.html');

const say = (line: string) => process.stderr.write(`${line}\n`);

function fail(message: string): never {
  say(`migrate: ${message}`);
  process.exit(EXIT.usage);
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

/** Where password hashes come from: the export being migrated, or a --passwords-from export read up front. */
async function passwordHashesFor(args: MigrateArgs, source: CustomerAdapter): Promise<PasswordHashSource | undefined> {
  if (args.exportFile !== undefined) return source as CustomerAdapter & PasswordHashSource;
  if (args.passwordsFrom === undefined) return undefined;
  try {
    const hashes = await loadPasswordHashes(args.passwordsFrom);
    say(
      `migrate: ${hashes.hashes} password hashes read from ${args.passwordsFrom} (${hashes.customers} customers${hashes.otherSchemes ? `, ${hashes.otherSchemes} with a scheme other than scrypt: not carried` : ''})`,
    );
    return hashes;
  } catch (error) {
    fail(`--passwords-from ${args.passwordsFrom}: ${(error as Error).message}`);
  }
}

/** What the run tells its user on stdout, or on stderr when a report is written to stdout (`--report /dev/stdout`). */
let tell = (line: string) => console.log(line);

async function main() {
  const args = parseArgsOrExit();
  if (args.reportPaths.some(isOwnStdout)) tell = say;
  let state: MigrationState | undefined;
  let since = args.since;
  let retryIds: string[] = [];
  try {
    for (const path of args.reportPaths) await assertWritable('--report', path);
    for (const path of args.reportPaths.filter((p) => !isHtml(p)))
      for (const file of await keepInterruptedOutcomes(path))
        tell(`the outcomes of an interrupted run that wrote ${path} are kept in ${file}`);
    await assertWritable('--state', args.statePath);
    state = args.statePath ? await readState(args.statePath) : undefined;
    if (since === 'last') {
      since = sinceLastRun(state, args.from, args.to);
      retryIds = failedInLastRun(state);
    }
  } catch (error) {
    if (error instanceof FileProblem) fail(error.message);
    if (error instanceof Error) fail(`--since last: ${args.statePath} ${error.message}`);
    throw error;
  }
  // (A resumed run goes on with those its first part had left to retry: its resume point says.)
  if (retryIds.length > 0 && !state?.inProgress)
    say(`migrate: ${retryIds.length} customers the last run left failed are tried again first, by id`);
  if (state && (state.source !== args.from || state.target !== args.to))
    fail(`--state ${args.statePath} belongs to ${state.source} → ${state.target}, not ${args.from} → ${args.to}`);
  const otherExport =
    args.exportFile !== undefined && state?.inProgress
      ? exportResumeProblem(state.inProgress.position, args.exportFile)
      : undefined;
  if (otherExport) fail(`--state ${args.statePath}: ${otherExport}; remove the file to start over`);

  // Each backend keeps to its budget: the target to --rate where given, else to the one the gateway
  // would use (UPSTREAM_BUDGET_<NAME>, else the platform's published limit; EMULATOR_RATE_LIMIT for
  // an embedded emulator). The migration waits for it (pace.ts) where the gateway would refuse.
  const pacers: ReturnType<typeof pacedFetch>[] = [];
  let budgets: GatewayConfig['upstreamBudgets'] = {};
  const platforms = new Map<string, string>();
  const pace = (backend: string, fetch: typeof globalThis.fetch) => {
    const budget =
      args.rate === 'off' ? undefined : backend === args.to ? (args.rate ?? budgets[backend]) : budgets[backend];
    if (!budget) return fetch;
    const paced = pacedFetch(backend, fetch, budget, undefined, platforms.get(backend));
    pacers.push(paced);
    return paced.fetch;
  };

  // Only the two backends of this run are built, so an unrelated backend's settings cannot stop it.
  // Logs go to stderr and default to warnings: adapter calls are logged at info, once per call.
  let deps;
  let store: SharedStore | undefined;
  try {
    // An export file is no configured backend: only the target is built then.
    const backends = args.exportFile === undefined ? [args.from, args.to] : [args.to];
    const config = parseEnv({
      LOG_LEVEL: 'warn',
      ...process.env,
      // An instance named in BACKENDS (`brand-a:scayle`) keeps its platform.
      BACKENDS: selectEntries(process.env.BACKENDS, backends),
      DEFAULT_BACKEND: backends[0],
    });
    budgets = config.upstreamBudgets;
    for (const b of config.backends) platforms.set(b.name, b.platform ?? b.name);
    config.upstreamBudgets = {};
    const log = createLogger({
      level: config.logLevel,
      write: (line) => void process.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
    });
    // With the gateway's shared store (STORE=redis), moves are coordinated with a running live migration.
    store = await openNodeStore(config.store, log);
    // The process exits when done: its pooled sockets need no explicit close.
    deps = await loadDeps(config, {
      fetch: createUpstreamFetch({ connections: 16 }).fetch,
      log,
      wrapFetch: pace,
      store,
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
    throw error;
  }
  for (const name of [args.from, args.to]) {
    if (deps.emulators.has(name))
      say(`migrate: ${name} runs on its embedded emulator (demo data that lives only as long as this process)`);
  }

  // First Ctrl-C: finish the customer in hand, then stop and save the position. Second: abort calls in flight.
  const stop = new AbortController();
  const abort = new AbortController();
  // Every call in flight listens on it (and lets go when done): up to --concurrency at once, not a leak.
  setMaxListeners(2 * MAX_CONCURRENCY, abort.signal);
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
  const source = args.exportFile === undefined ? deps.backends.get(args.from)! : exportSource(args.exportFile);
  const target = deps.backends.get(args.to)!;
  if (store)
    say(
      args.dryRun
        ? `migrate: customers a live migration ${args.from}->${args.to} moved are read from the shared store`
        : `migrate: moves are coordinated through the shared store with a live migration ${args.from}->${args.to}`,
    );
  const passwordHashes = args.command === 'verify' ? undefined : await passwordHashesFor(args, source);
  if (args.command === 'verify') {
    try {
      process.exit(await runVerify(args, source, target, since, ctx));
    } catch (error) {
      if (isGatewayError(error) && error.code === 'not_supported') fail(error.message);
      throw error;
    }
  }

  // Credentials this process knows (its environment, the embedded emulators'): never in a report.
  const secrets = secretValues({
    ...process.env,
    ...Object.assign({}, ...[...deps.emulators.values()].map((e) => e.connectionEnv(''))),
  });
  // Outcomes stream to the JSON reports as customers finish; memory keeps only what the summary
  // needs (failures) and, for an HTML report, the rows it shows: a long run stays flat.
  const spools = await Promise.all(
    args.reportPaths
      .filter((path) => !isHtml(path))
      .map(async (path) => ((await isStreamTarget(path)) ? customerStream(path) : customerSpool(path))),
  );
  let htmlRows = args.reportPaths.some(isHtml) ? HTML_REPORT_ROWS : 0;
  const keepCustomer = (c: CustomerReport) => c.outcome === 'failed' || (htmlRows > 0 && htmlRows-- > 0);
  const progress = progressReporter(process.stderr);
  let result;
  try {
    result = await migrateCustomers({
      source,
      target,
      ctx,
      dryRun: args.dryRun,
      batchSize: args.batchSize,
      maxCustomers: args.maxCustomers,
      since,
      retryIds,
      resumeFrom: state?.inProgress,
      concurrency: args.concurrency,
      passwordHashes,
      ...(store ? { claim: batchMoveClaim(store, source, target, ctx, args.dryRun) } : {}),
      omit: args.omit,
      createInactive: args.createInactive,
      stop: stop.signal,
      keepCustomer,
      onCustomer: spools.length
        ? (c) => spools.forEach((spool) => spool.add(reportCustomerLine(c, secrets)))
        : undefined,
      onProgress: (p) => progress.update(p),
      // A dry run created nothing, so its position must not steer a real run: it writes no state.
      onCheckpoint:
        args.statePath && !args.dryRun
          ? (point) => writeStateAtomically(args.statePath!, stateInProgress(state, point))
          : undefined,
    });
  } catch (error) {
    progress.finish();
    await Promise.all(spools.map((spool) => spool.discard()));
    if (error instanceof MigrationSetupError) fail(error.message);
    throw error;
  }
  progress.finish();
  result.pacing = pacers.map((p) => p.stats());

  for (const line of summaryLines(result)) tell(line);
  const frame = reportJsonFrame(result, secrets);
  for (const spool of spools) await spool.finish(frame);
  for (const path of args.reportPaths.filter(isHtml)) await writePrivate(path, reportHtml(result, secrets));
  for (const path of args.reportPaths) tell(`report written to ${path}`);
  if (args.statePath) {
    if (result.dryRun) tell(`dry run: ${args.statePath} left as it was`);
    else {
      writeStateAtomically(args.statePath, stateAfter(state, result));
      if (result.resumeFrom) tell(`position saved to ${args.statePath}: run the same command again to continue`);
      else if (result.failedInRun > 0)
        tell(
          result.failedIds
            ? `${args.statePath}: the next --since last tries the ${result.failedIds.length} failed customers again by id`
            : `${args.statePath}: the next --since last starts where this run did, so the failed customers are tried again`,
        );
    }
  } else if (result.resumeFrom && !result.dryRun) {
    tell(
      result.duplicateCheck === 'none'
        ? `to continue where this run stopped, use --state <file> next time: ${result.target} cannot recognise customers an earlier run created, so starting over may duplicate them`
        : 'to continue where this run stopped, use --state <file> next time; a plain re-run starts over and skips customers already migrated',
    );
  }

  if (result.stoppedBy?.code === 'stopped') process.exit(EXIT.interrupted);
  process.exit(result.counts.failed > 0 || result.stoppedBy ? EXIT.customersFailed : EXIT.ok);
}

await main();
