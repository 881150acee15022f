import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, startGateway } from './processes.js';
import type { Measurement } from './report.js';

/** A target of one measured turn (see measureInTurns in compare.ts). */
export interface LiveTarget {
  name: string;
  origin: string;
  pid: number;
  path: string;
}

type Measure = (
  targets: LiveTarget[],
  scenario: { name: string; method: 'GET'; path: string },
) => Promise<Measurement[]>;

/**
 * Issue 22's cost scenario: GET of a moved customer through `live` against the same GET on the
 * target backend directly, on one gateway (`npm start`, LIVE_MIGRATION=memory->scayle) in front of
 * the fixture SCAYLE upstream. The source (memory) holds a customer whose reference the fixture's
 * customer 4711 carries, so `live` adopts 4711 as that customer moved; the measured GET then pays
 * what every moved customer's read pays: the identity map's lookup, the target's read, the live view.
 */
export async function measureLiveMigration(upstreamEnv: Record<string, string>, measure: Measure, children: Child[]) {
  const logFile = join(tmpdir(), `customer-gateway-bench-live-${process.pid}.log`);
  const gateway = await startGateway(
    { ...upstreamEnv, LIVE_MIGRATION: 'memory->scayle', MEMORY_SEED: 'false' },
    logFile,
  );
  children.push(gateway);
  const post = await fetch(`${gateway.origin}/v1/backends/memory/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'mara.lindqvist@example.org', lastName: 'Lindqvist', externalRef: 'crm-0004711' }),
  });
  const sourceId = ((await post.json()) as { id: string }).id;
  const adopted = (await (await fetch(`${gateway.origin}/v1/backends/live/customers/t:4711`)).json()) as {
    id: string;
    migration?: { state: string };
  };
  if (adopted.id !== sourceId || adopted.migration?.state !== 'moved')
    throw new Error(`live did not take the fixture's customer 4711 as moved: ${JSON.stringify(adopted)}`);
  const pid = gateway.proc.pid!;
  const measured = await measure(
    [
      {
        name: 'scayle directly',
        origin: gateway.origin,
        pid,
        path: '/v1/backends/scayle/customers/4711?expand=addresses',
      },
      {
        name: 'live (moved)',
        origin: gateway.origin,
        pid,
        path: `/v1/backends/live/customers/${sourceId}?expand=addresses`,
      },
    ],
    { name: 'GET a moved customer: live vs the target', method: 'GET', path: '' },
  );
  await gateway.stop();
  const [direct, live] = measured as [Measurement, Measurement];
  return { measured, cost: direct.rps / live.rps, cpuCost: live.cpuUsPerRequest / Math.max(1, direct.cpuUsPerRequest) };
}
