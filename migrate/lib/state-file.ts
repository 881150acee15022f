import { z } from 'zod';
import type { MigrationResult, ResumePoint } from './types.js';

const ResumePointSchema = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  since: z.string().optional(),
  dryRun: z.boolean(),
  position: z.unknown(),
  skip: z.int().min(0),
  done: z.int().min(0),
  startedAt: z.string().optional(),
  failed: z.int().min(0).optional(),
  failedIds: z.array(z.string()).optional(),
  retry: z.array(z.string()).optional(),
  retried: z.array(z.string()).optional(),
});

const StateSchema = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  /** Where the unfinished run continues; absent once it completed. */
  inProgress: ResumePointSchema.optional(),
  /** The last run that read the source to its end: `--since last` starts from its start. */
  lastCompleted: z
    .object({
      startedAt: z.string(),
      finishedAt: z.string(),
      since: z.string().optional(),
      /** The source ids it left failed: the next `--since last` tries them again by id. */
      failed: z.array(z.string()).optional(),
    })
    .optional(),
});

/**
 * The --state file (also --resume): the position of the run under way, rewritten after every
 * customer, and the last completed run. It holds no customer data, so no password or hash.
 */
export type MigrationState = z.infer<typeof StateSchema> & { inProgress?: ResumePoint };

/** The state file's content → the state; a message naming what is wrong otherwise. A bare resume point (older files) is read as one in progress. */
export function parseState(text: string): MigrationState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('is not JSON');
  }
  const legacy = ResumePointSchema.safeParse(json);
  if (legacy.success)
    return {
      source: legacy.data.source,
      target: legacy.data.target,
      inProgress: { ...legacy.data, position: legacy.data.position ?? null },
    };
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `is not a migration state file (${parsed.error.issues.map((i) => i.path.join('.') || 'root').join(', ')})`,
    );
  const { inProgress } = parsed.data;
  return {
    ...parsed.data,
    ...(inProgress ? { inProgress: { ...inProgress, position: inProgress.position ?? null } } : {}),
  };
}

export const stateJson = (state: MigrationState): string => `${JSON.stringify(state, null, 2)}\n`;

/** The state while a run goes: the last completed run stays, the position moves on. */
export const stateInProgress = (previous: MigrationState | undefined, point: ResumePoint): MigrationState => ({
  source: point.source,
  target: point.target,
  inProgress: point,
  ...(previous?.lastCompleted ? { lastCompleted: previous.lastCompleted } : {}),
});

/** Where `--since last` starts after a run that read everything and left customers failed. */
export const FROM_THE_START = '1970-01-01T00:00:00.000Z';

/**
 * The state once a run ends: its position when it stopped early, else it becomes the last
 * completed run. A run that left customers failed keeps their source ids, and the next
 * `--since last` tries them again by id (after a fix at the source, an `--omit`, a target back up)
 * besides what changed since this run started. Where those ids are not all known (a part it
 * resumed was written before ids were kept), it does not move `--since last` past them: the next
 * run starts where this one did (from the start after a full run), so they are read again.
 */
export function stateAfter(previous: MigrationState | undefined, result: MigrationResult): MigrationState {
  if (result.resumeFrom) return stateInProgress(previous, result.resumeFrom);
  // Failures of the parts this run resumed count too (they are in no later part's counts).
  const failed = result.failedInRun > 0;
  const retryById = failed && result.failedIds !== undefined;
  return {
    source: result.source,
    target: result.target,
    lastCompleted: {
      startedAt: failed && !retryById ? (result.since ?? FROM_THE_START) : result.runStartedAt,
      finishedAt: result.finishedAt,
      ...(result.since ? { since: result.since } : {}),
      ...(retryById ? { failed: result.failedIds } : {}),
    },
  };
}

/** `--since last`: the start of the last completed run of this pair; an Error saying why there is none. */
export function sinceLastRun(state: MigrationState | undefined, source: string, target: string): string {
  if (!state?.lastCompleted) throw new Error('records no completed run yet: run once without --since first');
  if (state.source !== source || state.target !== target)
    throw new Error(`belongs to ${state.source} → ${state.target}, not ${source} → ${target}`);
  return state.lastCompleted.startedAt;
}

/** `--since last`: the source ids the last completed run left failed, to be tried again by id. */
export const failedInLastRun = (state: MigrationState | undefined): string[] => state?.lastCompleted?.failed ?? [];
