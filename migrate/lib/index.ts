export { migrateCustomers, MigrationSetupError, DEFAULT_BATCH_SIZE, MAX_CONCURRENCY } from './migrate.js';
export { migrationRef, toCustomerCreate, READ_ONLY_CUSTOMER_FIELDS } from './map.js';
export {
  refusedFields,
  reportCustomerLine,
  reportJson,
  reportJsonFrame,
  secretValues,
  summaryLines,
} from './report.js';
export { plainTextProgress, progressBar, progressReporter, type ProgressReporter } from './progress.js';
export type * from './types.js';
export { parseMigrateArgs, UsageError, USAGE, type MigrateArgs } from './args.js';
export {
  FROM_THE_START,
  parseState,
  failedInLastRun,
  sinceLastRun,
  stateAfter,
  stateInProgress,
  stateJson,
  type MigrationState,
} from './state-file.js';
export { checkOmitPaths, omitFields } from './omit.js';
export { addressKey, pairAddresses, differingFields } from './compare.js';
export { verifyMigration, verifySummaryLines, verifiedClean, type VerifyResult, type VerifyEntry } from './verify.js';
export { isLossy, LOSSY_FIELDS } from './lossy.js';
export { pacedFetch, TokenBucket, type Budget, type PaceStats } from './pace.js';
export { exportResumeProblem, exportSource, exportedToCanonical } from './sfcc-export/source.js';
export { loadPasswordHashes } from './sfcc-export/passwords.js';
export { readCustomerExport, CUSTOMER_EXPORT_NS, ExportFormatError, type ExportCustomer } from './sfcc-export/parse.js';
export { HTML_REPORT_ROWS, reportHtml, throughput, throughputSvg } from './report-html.js';
