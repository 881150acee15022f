import { createLeaseHolder } from '../store/lease.js';
import { Lane, type LaneOptions, loadLaneState } from './lane.js';
import type { EventSink } from './sinks/types.js';

export interface DispatcherOptions extends LaneOptions {
  sinks: EventSink[];
  leaseMs: number;
}

/** How often a running dispatcher looks at the outbox when nothing woke it (events of other instances). */
const IDLE_MS = 200;
/**
 * After a step that took less than a batch, events gather this long before the next: a busy
 * instance then steps once per dozens of events rather than once per event (each step reads the
 * outbox and writes the lane's state; at 1,000 events/s that was most of a delivery's cost on the
 * main thread). The first event after a quiet spell still goes at once (a wake ends the idle pause).
 */
const GATHER_MS = 10;
/** Stats count at most this many waiting events per sink, and as many dead letters. */
export const COUNT_CAP = 1_000_000;

/**
 * The fleet's one delivery process: whoever holds the `events:dispatcher` lease runs a lane per
 * sink. On Node it runs in the background from `start()` to `stop()`; on Workers `drain()` runs
 * within one invocation (after a write, and from the cron trigger that retries).
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, log, sinks } = options;
  const lanes = sinks.map((sink) => new Lane(sink, options));
  const lease = createLeaseHolder(store, 'events:dispatcher', options.leaseMs);
  let running = false;
  const loops: Promise<void>[] = [];

  /** Pauses a wake ends; those a wake does not end (gathering) only stop() ends. */
  const waiters = new Set<() => void>();
  const gatherers = new Set<() => void>();
  const pauseIn = (set: Set<() => void>, ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      set.add(done);
    });
  const pause = (ms: number) => pauseIn(waiters, ms);
  const wakeAll = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const stepSafely = (lane: Lane) =>
    lane.step().catch((error: unknown) => {
      // The store or the sink threw outside a delivery: start again from what the store says.
      lane.reset();
      log.error({ err: error, sink: lane.sink.name }, 'event dispatcher step failed; retrying');
      return false;
    });

  async function runLane(lane: Lane) {
    while (running) {
      if (!lease.held) {
        lane.reset();
        await pause(options.leaseMs / 3);
        continue;
      }
      if (await stepSafely(lane)) {
        if (!lane.behind) await pauseIn(gatherers, GATHER_MS);
        continue;
      }
      await pause(Math.min(IDLE_MS, (lane.wakeAt ?? Infinity) - Date.now()));
    }
  }

  async function keepLease() {
    let renewedAt = 0;
    while (running) {
      if (Date.now() - renewedAt >= options.leaseMs / 3) {
        const wasHeld = lease.held;
        renewedAt = Date.now();
        // Just taken over: the lanes start now rather than at their next look.
        if ((await lease.hold().catch(() => false)) && !wasHeld) wakeAll();
      }
      await pause(options.leaseMs / 3 - (Date.now() - renewedAt));
    }
  }

  let draining: Promise<void> | undefined;
  let again = false;
  async function drainOnce(budgetMs: number, acquire: boolean): Promise<void> {
    if (acquire && !(await lease.hold().catch(() => false))) return;
    const until = Date.now() + budgetMs;
    try {
      let busy = lanes.slice();
      while (Date.now() < until && lease.held) {
        if (busy.length === 0) {
          if (!again) break;
          busy = lanes.slice();
        }
        again = false;
        const results = await Promise.all(busy.map(stepSafely));
        busy = busy.filter((_, i) => results[i]);
      }
    } finally {
      for (const lane of lanes) lane.reset();
      if (acquire) await lease.release().catch(() => undefined);
    }
  }

  return {
    sinks: sinks.map((s) => s.name),

    /** Node: delivers in the background while this instance holds the fleet's lease. */
    start(): void {
      if (running || lanes.length === 0) return;
      running = true;
      loops.push(keepLease(), ...lanes.map(runLane));
    },

    /** New events were recorded here: look now rather than at the next tick. */
    wake: wakeAll,

    /**
     * Stops the background loops, delivers what is due for up to `flushMs` (SIGTERM), and gives the
     * lease back so another instance takes over at once.
     */
    async stop(flushMs = 5_000): Promise<void> {
      if (!running) return;
      running = false;
      wakeAll();
      for (const gatherer of [...gatherers]) gatherer();
      await Promise.all(loops);
      if (lease.held) await drainOnce(flushMs, false);
      await lease.release().catch(() => undefined);
      await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
    },

    /**
     * Workers (and stop): takes the lease if free, delivers until nothing is due or `budgetMs`
     * passed, releases. One drain at a time per instance: a call while one runs has it go round
     * once more instead (the isolate's writes share one dispatcher).
     */
    drain(budgetMs: number, acquire = true): Promise<void> {
      if (draining) {
        again = true;
        return draining;
      }
      draining = drainOnce(budgetMs, acquire).finally(() => {
        draining = undefined;
      });
      return draining;
    },

    /** Per sink, events waiting (not yet delivered nor dead-lettered); for metrics. */
    async backlog(): Promise<Record<string, number>> {
      const entries = await Promise.all(
        sinks.map(async (sink) => {
          const state = await loadLaneState(store, sink.name, Date.now());
          const parked = Object.values(state.parked).reduce((sum, p) => sum + p.seqs.length, 0);
          return [sink.name, (await options.outbox.count(state.cursor, COUNT_CAP)) + parked] as const;
        }),
      );
      return Object.fromEntries(entries);
    },
  };
}
