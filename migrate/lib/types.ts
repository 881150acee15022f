import type { FieldError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';

/**
 * Where an interrupted run continues: the source page it was on (the adapter's native position,
 * JSON as the cursor codec stores it; null = first page) and how many customers of that page were
 * already handled. It names the run it belongs to, so it is never applied to a different one.
 */
export interface ResumePoint {
  source: string;
  target: string;
  since?: string;
  /** A dry run's position must not steer a real run: the customers it passed were never created. */
  dryRun: boolean;
  position: unknown;
  skip: number;
  /** Customers handled by earlier runs, so progress can count from the real start. */
  done: number;
  /** When the run this point continues first started (a delta run after it starts from there). */
  startedAt?: string;
  /** Customers that failed in the run's earlier parts: `--since last` must not move past them. */
  failed?: number;
  /** Their source ids, where every one is known (points written before ids were kept have none). */
  failedIds?: string[];
  /** Source ids an earlier run left failed that this run has still to try again (`retryIds`). */
  retry?: string[];
  /** Those this run already tried again: its listing leaves them out, in every later part too. */
  retried?: string[];
}

export interface RetryOptions {
  /** Attempts per call when the backend answers rate_limited (default 5). */
  maxAttempts?: number;
  /** Longest single wait, whatever Retry-After says (default 120 s). */
  maxWaitSeconds?: number;
  /** Injected by tests; the default waits on a timer and returns early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface MigrateOptions {
  source: CustomerAdapter;
  target: CustomerAdapter;
  ctx: CallContext;
  /** Read, map and look up, but write nothing to the target. */
  dryRun?: boolean;
  /** Customers per source page (1–200, default 50). */
  batchSize?: number;
  /** Stop after this many customers (the result's resumeFrom continues from there). */
  maxCustomers?: number;
  /** Only customers updated at or after this instant (ISO 8601 with offset). */
  since?: string;
  /**
   * Source ids an earlier run left failed (`--since last`): read by id and tried again before the
   * listing, which a customer unchanged since would not bring. The listing leaves them out after.
   */
  retryIds?: string[];
  resumeFrom?: ResumePoint;
  /**
   * Fields to leave out because the target cannot store them (e.g. `salutation`, `phones.mobile`,
   * `addresses.companyName`). Lossy, so never automatic: without it such customers fail and say why.
   */
  omit?: string[];
  /** Create every customer inactive: for targets that let only customers with a password log in (Open2b). */
  createInactive?: boolean;
  /**
   * Ends the run between two customers (a first Ctrl-C). Separate from ctx.signal, which aborts
   * calls in flight: stopping mid-create would leave it unknown whether the customer was written.
   */
  stop?: AbortSignal;
  onProgress?: (progress: MigrationProgress) => void;
  /**
   * Called after every customer and page with the point a crash would continue from (every
   * customer before it is finished): persist it so a killed run loses nothing.
   */
  onCheckpoint?: (point: ResumePoint) => void;
  /** Called with each customer's outcome as it finishes: a long run streams these to its report instead of holding them. */
  onCustomer?: (report: CustomerReport) => void;
  /**
   * Which outcomes `result.customers` keeps (default: all). A long run keeps only what its summary
   * needs (the failures) and streams the rest through onCustomer, so its memory stays flat.
   */
  keepCustomer?: (report: CustomerReport) => boolean;
  /** Customers migrated at once (default 1); the order of the report then follows completion. */
  concurrency?: number;
  /** Password hashes to carry to targets that take them (see passwords.ts). */
  passwordHashes?: PasswordHashSource;
  retry?: RetryOptions;
  /** Coordinates each customer's move with other movers of the same shop (see CustomerStep.claim). */
  claim?: import('./customer.js').MoveClaim;
}

/** Where a customer's password hash comes from (an SFCC customer-list export). Never logged or reported. */
export interface PasswordHashSource {
  /** The hash of the customer with this customer number or login (the export's keys), if any. */
  hashFor(customer: { customerNo?: string; login?: string; email: string }): string | undefined;
}

/** `completed`: found on the target from an earlier, interrupted run and the missing parts added. */
export type Outcome = 'created' | 'would_create' | 'completed' | 'skipped' | 'failed';

export interface CustomerReport {
  sourceId: string;
  email: string;
  /** The reference the customer carries (or would carry) on the target. */
  externalRef: string;
  outcome: Outcome;
  /** Where it lives on the target: created now, or found there already (skipped). */
  targetId?: string;
  /** Why it was skipped, e.g. "exists". */
  reason?: string;
  /** Failed: the step that failed (read from source, map, look up on target, create). */
  step?: 'read' | 'map' | 'lookup' | 'create' | 'complete' | 'password';
  code?: string;
  detail?: string;
  errors?: FieldError[];
  /** A create with addresses that failed half-way: what the target already holds. */
  created?: Record<string, unknown>;
  /** The source customer had a password and it was not carried over: send a reset. */
  passwordResetNeeded?: boolean;
  /** Its password hash was set on the target, so it keeps its password. */
  passwordCarried?: boolean;
  /** Completed: what was added to the customer an earlier run left half-done. */
  added?: string[];
  /** What this customer loses in the move (e.g. address ids the target renumbers). */
  notes?: string[];
}

export interface MigrationCounts {
  /** Customers taken from the source in this run. */
  read: number;
  created: number;
  /** Found half-done from an interrupted run and finished. */
  completed: number;
  /** Dry run: customers that a real run would create. */
  wouldCreate: number;
  skipped: number;
  failed: number;
  /** Created (or would be) and had a password on the source. */
  passwordResetNeeded: number;
  /** Password hashes set on the target. */
  passwordsCarried: number;
}

/** How the run tells customers already on the target from new ones. */
export type DuplicateCheck = 'externalRef' | 'email' | 'none';

export interface MigrationProgress {
  /** `customer` after each customer, `page` after each finished source page. */
  kind: 'customer' | 'page';
  counts: MigrationCounts;
  /** Handled in earlier runs (from the resume point) plus this run. */
  done: number;
  /** The whole source list's size, where the source counts cheaply. */
  total?: number;
  pages: number;
  last?: CustomerReport;
}

export interface MigrationResult {
  source: string;
  target: string;
  /** The target's platform when `target` names an instance of it (`brand-a` of `scayle`). */
  targetPlatform?: string;
  /** Customers that failed in the whole run: this invocation and the parts it resumed. */
  failedInRun: number;
  /** Their source ids, where every one is known (a resumed part written before ids were kept has none). */
  failedIds?: string[];
  dryRun: boolean;
  since?: string;
  /** When this invocation started. */
  startedAt: string;
  /** When the run started, in the first invocation when this one resumed it (what `--since last` takes). */
  runStartedAt: string;
  finishedAt: string;
  duplicateCheck: DuplicateCheck;
  counts: MigrationCounts;
  /** Each customer's outcome, in the order they finished: all of them unless `keepCustomer` chose. */
  customers: CustomerReport[];
  /** How each backend kept to its request budget (set by the command, which paces the fetch). */
  pacing?: import('./pace.js').PaceStats[];
  /** Customers done over time, for the report's throughput chart. */
  timeline: TimelineSample[];
  /** Things the operator should know about the whole run (lossy fields, duplicate risk). */
  warnings: string[];
  /** True when the source list was read to its end. */
  complete: boolean;
  /** Null when complete; otherwise pass it back as `resumeFrom` to continue. */
  resumeFrom: ResumePoint | null;
  /** Why the run ended early, when not by maxCustomers: a stop request or a source page that could not be read. */
  stoppedBy?: { code: string; detail: string };
}

/** One point of the throughput chart: seconds since the start, customers finished, memory. */
export interface TimelineSample {
  seconds: number;
  done: number;
  rssMiB?: number;
  heapMiB?: number;
}
