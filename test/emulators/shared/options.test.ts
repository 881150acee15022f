import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../conformance/harness.js';
import { e2ePlatforms } from '../../e2e/support.js';

/**
 * EMULATOR_RATE_LIMIT reaches every embedded emulator (as EMULATOR_FAULTS does, which
 * test/e2e/emulator-faults.test.ts proves through npm start and npm run emulator): with the
 * gateway's own pacing off, the platform itself refuses the calls past its budget, in its own words.
 */
describe.each(e2ePlatforms.map((p) => p.name))('the %s emulator', (name) => {
  it('honours EMULATOR_RATE_LIMIT: past the budget the platform answers 429 and the gateway passes it on', async () => {
    const gw = buildGateway(name, {
      BACKENDS: name,
      EMULATOR_RATE_LIMIT: '3/600',
      [`UPSTREAM_BUDGET_${name.toUpperCase()}`]: 'off',
    });
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof gw.call>> | undefined;
    for (let i = 0; i < 6 && !refused; i++) {
      const res = await gw.call('GET', '/customers?limit=1');
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    // At least one read got through before the budget (3 calls, an SFCC token call among them) was spent.
    expect(statuses[0]).toBe(200);
    expect(refused?.body).toMatchObject({ code: 'rate_limited', upstream: { status: 429 } });
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
