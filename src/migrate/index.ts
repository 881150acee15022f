export { migrateCustomers, MigrationSetupError, DEFAULT_BATCH_SIZE, MAX_CONCURRENCY } from './migrate.js';
export { migrationRef, toCustomerCreate, READ_ONLY_CUSTOMER_FIELDS } from './map.js';
export { refusedFields, reportJson, secretValues, summaryLines } from './report.js';
export { plainTextProgress, progressBar, progressReporter, type ProgressReporter } from './progress.js';
export type * from './types.js';
export { parseMigrateArgs, UsageError, USAGE, type MigrateArgs } from './args.js';
export { parseState, sinceLastRun, stateAfter, stateInProgress, stateJson, type MigrationState } from './state-file.js';
export { checkOmitPaths, omitFields } from './omit.js';
export { addressKey, pairAddresses, differingFields } from './compare.js';
