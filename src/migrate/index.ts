export { migrateCustomers, MigrationSetupError, DEFAULT_BATCH_SIZE } from './migrate.js';
export { migrationRef, toCustomerCreate, READ_ONLY_CUSTOMER_FIELDS } from './map.js';
export { refusedFields, reportJson, secretValues, summaryLines } from './report.js';
export { plainTextProgress, progressBar, progressReporter, type ProgressReporter } from './progress.js';
export type * from './types.js';
export { parseMigrateArgs, UsageError, USAGE, type MigrateArgs } from './args.js';
export { parseResumePoint, resumePointJson } from './resume-file.js';
export { checkOmitPaths, omitFields } from './omit.js';
