import { parseArgs } from 'node:util';
import { MAX_LIMIT } from '../../schemas/index.js';
import { DEFAULT_BATCH_SIZE } from './migrate.js';

export const USAGE = `usage: npm run migrate -- --from <backend> --to <backend> [options]

  --from <backend>      source backend (sfcc, scayle, open2b, memory); must be able to list customers
  --to <backend>        target backend
  --dry-run             read, map and look up on the target, but write nothing
  --since <ISO 8601>    only customers updated at or after this instant, e.g. 2024-01-01T00:00:00Z
  --report <file>       write the full per-customer report (JSON) there
  --resume <file>       continue from the position saved in <file>; the position is saved there when
                        the run stops early and the file is removed once the run completes
  --batch-size <n>      customers per source page (1-${MAX_LIMIT}, default ${DEFAULT_BATCH_SIZE})
  --max <n>             stop after n customers (continue later with --resume)
  --omit <paths>        comma list of fields to leave out because the target cannot store them, e.g.
                        salutation,phones.mobile,addresses.companyName (lossy: only on request; the
                        summary of a run suggests the list from what the target refused)
  --inactive            create every customer inactive: for targets that let only customers with a
                        password log in (Open2b); activate them once they have set a password
  -h, --help            this text

Backends are configured from the environment as for the gateway (BACKENDS is set to the two
named here); without a base URL a backend runs on its embedded emulator, which lives only as long
as this process: good for a demo or a dry run, not for moving real data.
Exit status: 0 nothing failed, 1 some customers failed or the run stopped on an error,
2 usage or configuration error, 130 stopped by Ctrl-C (position saved with --resume).`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface MigrateArgs {
  help: boolean;
  from: string;
  to: string;
  dryRun: boolean;
  since?: string;
  reportPath?: string;
  resumePath?: string;
  batchSize: number;
  maxCustomers?: number;
  omit: string[];
  createInactive: boolean;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function positiveInt(name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** argv (after the script name) → what the run should do; throws UsageError with a message for the user. */
export function parseMigrateArgs(argv: string[]): MigrateArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        since: { type: 'string' },
        report: { type: 'string' },
        resume: { type: 'string' },
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
  if (v.help) return { help: true, from: '', to: '', dryRun: false, batchSize: DEFAULT_BATCH_SIZE, omit: [], createInactive: false };
  if (!v.from || !v.to) throw new UsageError('--from and --to are required');
  if (v.from === v.to) throw new UsageError('--from and --to name the same backend');
  if (v.since !== undefined && (!ISO_INSTANT.test(v.since) || Number.isNaN(Date.parse(v.since)))) {
    throw new UsageError('--since must be an ISO 8601 instant with a zone, e.g. 2024-01-01T00:00:00Z');
  }
  return {
    help: false,
    from: v.from,
    to: v.to,
    dryRun: v['dry-run'] ?? false,
    since: v.since,
    reportPath: v.report,
    resumePath: v.resume,
    batchSize: positiveInt('batch-size', v['batch-size'], MAX_LIMIT) ?? DEFAULT_BATCH_SIZE,
    maxCustomers: positiveInt('max', v.max),
    omit: (v.omit ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    createInactive: v.inactive ?? false,
  };
}
