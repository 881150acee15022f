import type { TimelineSample } from './types.js';

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Resident memory and live JavaScript heap in MiB where the runtime says (Node), for the benchmark. */
const memory = (): Pick<TimelineSample, 'rssMiB' | 'heapMiB'> => {
  const usage = (
    globalThis as { process?: { memoryUsage?: () => { rss: number; heapUsed: number } } }
  ).process?.memoryUsage?.();
  return usage ? { rssMiB: mib(usage.rss), heapMiB: mib(usage.heapUsed) } : {};
};

/**
 * Customers done over time for the report's throughput chart: a sample at most every second, and
 * at every 1,000th customer (where the benchmark reads memory). Long runs thin out to ~1,000
 * samples by widening the interval, so the report stays small.
 */
export function createTimeline(now: () => number = Date.now) {
  const started = now();
  const samples: TimelineSample[] = [{ seconds: 0, done: 0, ...memory() }];
  let last = started;
  const sample = (done: number) =>
    samples.push({ seconds: Math.round((now() - started) / 100) / 10, done, ...memory() });
  return {
    samples,
    /** After each customer, with how many this run has finished. */
    note(done: number) {
      const t = now();
      const interval = Math.max(1000, (t - started) / 1000);
      if (t - last >= interval || done % 1000 === 0) {
        last = t;
        sample(done);
      }
    },
    finish(done: number) {
      if (samples.at(-1)?.done !== done || samples.length === 1) sample(done);
      return samples;
    },
  };
}
