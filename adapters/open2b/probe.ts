import { type ProbeResult, runProbe } from '../probe.js';
import type { CallContext } from '../types.js';
import type { Open2bClient } from './client.js';
import { CountAnswer, METHODS } from './upstream.js';

/** `commerce.customers.count`: the key, its header and the store's API path in one cheap read. */
export function probeOpen2b(client: Open2bClient, ctx: CallContext): Promise<ProbeResult> {
  return runProbe([
    {
      what: METHODS.count,
      address: ['OPEN2B_BASE_URL'],
      credentials: ['OPEN2B_API_KEY', 'OPEN2B_KEY_HEADER'],
      target: ['OPEN2B_BASE_URL'],
      run: () => client.call(ctx, METHODS.count, { conditions: {} }, CountAnswer),
      diagnose: (error) => {
        const { status, code } = error.upstream ?? {};
        // Open2b refuses a missing or wrong key with a plain 403; AccessDenied (in a 200) is a key without the permission.
        if (status === 401 || status === 403)
          return {
            problem: 'credentials',
            detail: `Open2b refused the API key (HTTP ${status})`,
            variables: ['OPEN2B_API_KEY', 'OPEN2B_KEY_HEADER'],
          };
        if (code === 'AccessDenied')
          return {
            problem: 'permission',
            detail:
              'Open2b accepts the API key but denies it commerce.customers (AccessDenied): grant the key the customers permissions',
            variables: ['OPEN2B_API_KEY'],
          };
        if (status === 404 || status === 405)
          return {
            problem: 'unknown-target',
            detail: `no Open2b API answers at that path (HTTP ${status}): check the store's address and the /api/v6 path`,
            variables: ['OPEN2B_BASE_URL'],
          };
        return undefined;
      },
    },
  ]);
}
