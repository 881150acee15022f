import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../emulators/shared/faults.js';
import { createUpstreamFetch } from '../../transport/node-fetch.js';
import { e2ePlatforms, inParallel, type RunningGateway, servePlatforms, startGateway } from './support.js';

/**
 * Retries that suffice, through `npm start` over HTTP: with 10 % of upstream calls failing (a 503,
 * or separately a dropped connection), at least 99.9 % of 2,000 reads succeed on every platform,
 * at no more than 1.15 upstream calls per read. Counts only (no timing).
 */
const READS = 2_000;
const faults: [string, FaultSpec][] = [
  ['503 answers', { status: 503, rate: 0.1 }],
  ['dropped connections', { drop: true, rate: 0.1 }],
];

let platforms: Awaited<ReturnType<typeof servePlatforms>>;
let gateway: RunningGateway;
// The storefront side: a pooled keep-alive client, light on the CPU the emulators share with it.
const client = createUpstreamFetch({ connections: 32 });
beforeAll(async () => {
  platforms = await servePlatforms();
  // The gateway paces calls to each platform's published rate limit; this test is about faults, not pacing.
  const unpaced = Object.fromEntries(e2ePlatforms.map((p) => [`UPSTREAM_BUDGET_${p.name.toUpperCase()}`, 'off']));
  gateway = await startGateway({ ...platforms.env, ...unpaced, LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await client.close();
  await gateway?.stop();
  await platforms?.close();
});

describe.each(e2ePlatforms.map((p) => p.name))('%s through npm start', (name) => {
  it.each(faults)(
    `with 10 %% %s, ≥ 99.9 %% of ${READS} reads succeed at ≤ 1.15 upstream calls per read`,
    async (_label, fault) => {
      const { emulator, server } = platforms.served.find((s) => s.platform.name === name)!;
      const listed = await fetch(`${gateway.origin}/v1/backends/${name}/customers?limit=20`);
      expect(listed.status).toBe(200);
      const ids = ((await listed.json()) as { items: { id: string }[] }).items.map((c) => c.id);
      expect(ids.length).toBeGreaterThan(0);

      emulator.faults.inject(fault);
      const callsBefore = server.requestsServed;
      let statuses: number[];
      try {
        statuses = await inParallel(READS, 32, async (i) => {
          const response = await client.fetch(
            `${gateway.origin}/v1/backends/${name}/customers/${encodeURIComponent(ids[i % ids.length]!)}`,
          );
          await response.arrayBuffer();
          return response.status;
        });
      } finally {
        emulator.faults.clear();
      }
      const calls = server.requestsServed - callsBefore;

      const succeeded = statuses.filter((s) => s === 200).length;
      const failedWith = [...new Set(statuses.filter((s) => s !== 200))];
      expect(succeeded / READS, `failed reads answered ${failedWith.join(', ')}`).toBeGreaterThanOrEqual(0.999);
      expect(calls / READS).toBeLessThanOrEqual(1.15);
      // The faults were real: reads needed retries (about 11 % more calls than reads).
      expect(calls).toBeGreaterThan(READS * 1.05);
    },
    240_000,
  ); // thousands of requests through child processes on a shared 2-core machine: counts, not speed
});
