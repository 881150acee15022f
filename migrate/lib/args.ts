import { parseArgs } from 'node:util';
import { MAX_LIMIT } from '../../schemas/index.js';
import { DEFAULT_BATCH_SIZE, MAX_CONCURRENCY } from './migrate.js';

export const USAGE = `usage: npm run migrate -- --from <source> --to <backend> [options]
       npm run migrate -- verify --from <source> --to <backend> [--report <file>] [--omit <paths>]

  --from <source>       source backend (sfcc, scayle, open2b, memory, or an instance named in BACKENDS
                        such as brand-a of brand-a:scayle; it must be able to list customers)
                        or sfcc-export:<customer-list.xml>, an SFCC Business Manager customer export
  --to <backend>        target backend
  --dry-run             read, map and look up on the target, but write nothing
  --since <ISO 8601>    only customers updated at or after this instant, e.g. 2024-01-01T00:00:00Z;
                        --since last: from the start of the last completed run in the --state file
  --state <file>        where the run keeps its position (rewritten after every customer) and the last
                        completed run; a run continues from the position it finds there (alias --resume)
  --report <file>       the per-customer report: JSON, or HTML when the name ends in .html (repeatable)
  --passwords-from <customer-list.xml>
                        carry password hashes from an SFCC customer-list export to targets that take
                        them (SCAYLE); customers of other targets stay flagged for a password reset
  --concurrency <n>     customers migrated side by side (1-${MAX_CONCURRENCY}, default 1)
  --rate <n>/<seconds>  request budget per backend instead of its published limit, e.g. 300/60; off
                        turns pacing off
  --batch-size <n>      customers per source page (1-${MAX_LIMIT}, default ${DEFAULT_BATCH_SIZE})
  --max <n>             stop after n customers (continue later with --state)
  --omit <paths>        comma list of fields to leave out because the target cannot store them, e.g.
                        salutation,phones.mobile,addresses.companyName (lossy: only on request; the
                        summary of a run suggests the list from what the target refused)
  --inactive            create every customer inactive: for targets that let only customers with a
                        password log in (Open2b); activate them once they have set a password
  -h, --help            this text

Backends are configured from the environment as for the gateway (BACKENDS is cut down to the two
named here; an instance keeps its <name>:<platform> entry and reads <NAME>_* variables); without a base URL a backend runs on its embedded emulator, which lives only as long
as this process: good for a demo or a dry run, not for moving real data.
Exit status: 0 nothing failed (verify: everything matches), 1 some customers failed or the run
stopped on an error (verify: something differs), 2 usage or configuration error, 130 stopped by
Ctrl-C (position kept with --state).`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface MigrateArgs {
  help: boolean;
  command: 'migrate' | 'verify';
  /** Backend name; `sfcc-export` when the source is an export file. */
  from: string;
  /** The export file of `--from sfcc-export:<file>`. */
  exportFile?: string;
  to: string;
  dryRun: boolean;
  /** An ISO instant, or `last` (resolved from the state file). */
  since?: string;
  reportPaths: string[];
  statePath?: string;
  passwordsFrom?: string;
  concurrency: number;
  /** Per-backend budget; `off` disables pacing; undefined: each backend's published limit. */
  rate?: { limit: number; windowSeconds: number } | 'off';
  batchSize: number;
  maxCustomers?: number;
  omit: string[];
  createInactive: boolean;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
export const EXPORT_SOURCE = 'sfcc-export';

function positiveInt(name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

function parseRate(value: string | undefined): MigrateArgs['rate'] {
  if (value === undefined || value === 'off') return value;
  const match = /^(\d{1,6})\/(\d{1,5})$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1)
    throw new UsageError('--rate must be <requests>/<seconds>, e.g. 300/60, or off');
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

const HELP: MigrateArgs = {
  help: true,
  command: 'migrate',
  from: '',
  to: '',
  dryRun: false,
  reportPaths: [],
  concurrency: 1,
  batchSize: DEFAULT_BATCH_SIZE,
  omit: [],
  createInactive: false,
};

/** argv (after the script name) → what the run should do; throws UsageError with a message for the user. */
export function parseMigrateArgs(argv: string[]): MigrateArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        since: { type: 'string' },
        report: { type: 'string', multiple: true },
        state: { type: 'string' },
        resume: { type: 'string' },
        'passwords-from': { type: 'string' },
        concurrency: { type: 'string' },
        rate: { type: 'string' },
        'batch-size': { type: 'string' },
        max: { type: 'string' },
        omit: { type: 'string' },
        inactive: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help) return HELP;
  const [command = 'migrate', ...extra] = parsed.positionals;
  if (command !== 'migrate' && command !== 'verify')
    throw new UsageError(`unknown command "${command}" (known: verify)`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!v.from || !v.to) throw new UsageError('--from and --to are required');
  if (v.from === v.to) throw new UsageError('--from and --to name the same backend');
  if (v.state !== undefined && v.resume !== undefined)
    throw new UsageError('--state and --resume are the same option: give one');
  const statePath = v.state ?? v.resume;
  if (v.since === 'last' && !statePath)
    throw new UsageError('--since last needs --state <file> (it reads the last completed run from there)');
  if (
    v.since !== undefined &&
    v.since !== 'last' &&
    (!ISO_INSTANT.test(v.since) || Number.isNaN(Date.parse(v.since)))
  ) {
    throw new UsageError('--since must be an ISO 8601 instant with a zone, e.g. 2024-01-01T00:00:00Z, or last');
  }
  const exportFile = v.from.startsWith(`${EXPORT_SOURCE}:`) ? v.from.slice(EXPORT_SOURCE.length + 1) : undefined;
  if (exportFile === '')
    throw new UsageError(`--from ${EXPORT_SOURCE}: needs the export file, e.g. ${EXPORT_SOURCE}:customers.xml`);
  if (exportFile !== undefined && v.since !== undefined)
    throw new UsageError(`--since does not apply to an export file (it holds what it holds)`);
  return {
    help: false,
    command,
    from: exportFile === undefined ? v.from : EXPORT_SOURCE,
    ...(exportFile === undefined ? {} : { exportFile }),
    to: v.to,
    dryRun: v['dry-run'] ?? false,
    since: v.since,
    reportPaths: v.report ?? [],
    statePath,
    // The export is also where the hashes are: a source export implies --passwords-from.
    passwordsFrom: v['passwords-from'] ?? exportFile,
    concurrency: positiveInt('concurrency', v.concurrency, MAX_CONCURRENCY) ?? 1,
    rate: parseRate(v.rate),
    batchSize: positiveInt('batch-size', v['batch-size'], MAX_LIMIT) ?? DEFAULT_BATCH_SIZE,
    maxCustomers: positiveInt('max', v.max),
    omit: (v.omit ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    createInactive: v.inactive ?? false,
  };
}
