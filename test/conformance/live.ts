import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { e2ePlatforms } from '../e2e/support.js';
import type { ConformanceTarget } from './suite.js';

/**
 * The `live` backend (LIVE_MIGRATION=<source>-><target>) as a conformance target: both platforms'
 * emulators served over HTTP on loopback, each with its demo customers. What the suite creates is
 * born on the target; the source is still asked (registration checks its emails, unknown ids, lists).
 */
export function liveMigrationTarget(
  source: string,
  target: string,
  env: Record<string, string> = {},
): ConformanceTarget {
  return {
    backend: 'live',
    async setup() {
      const served = await Promise.all(
        [source, target].map(async (name) => {
          const emulator = e2ePlatforms.find((p) => p.name === name)!.create();
          return { emulator, server: await serveOnLoopback(emulator.app) };
        }),
      );
      return {
        env: Object.assign(
          { BACKENDS: source, LIVE_MIGRATION: `${source}->${target}`, ...env },
          ...served.map((s) => s.emulator.connectionEnv(s.server.origin)),
        ),
        teardown: () => Promise.all(served.map((s) => s.server.close())).then(() => undefined),
      };
    },
  };
}
