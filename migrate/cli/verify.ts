/** `npm run migrate -- verify …`: the reconciliation of a finished migration (migrate/lib/verify.ts). */
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import { verifiedClean, verifyMigration, verifySummaryLines, type MigrateArgs } from '../lib/index.js';
import { writePrivate } from './files.js';

/** Runs the comparison, prints the summary, writes the report(s); answers the exit status (0 clean, 1 something differs). */
export async function runVerify(
  args: MigrateArgs,
  source: CustomerAdapter,
  target: CustomerAdapter,
  since: string | undefined,
  ctx: CallContext,
): Promise<number> {
  const result = await verifyMigration({
    source,
    target,
    ctx,
    omit: args.omit,
    createInactive: args.createInactive,
    since,
    batchSize: args.batchSize,
    onProgress: (checked) => {
      if (checked % 500 === 0) process.stderr.write(`verify: ${checked} customers compared\n`);
    },
  });
  for (const line of verifySummaryLines(result)) console.log(line);
  for (const path of args.reportPaths) {
    // The reconciliation holds ids, emails and field names, never values: JSON whatever the name.
    await writePrivate(path, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`reconciliation report written to ${path}`);
  }
  return verifiedClean(result) ? 0 : 1;
}
