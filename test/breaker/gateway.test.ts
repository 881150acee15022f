import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

describe('circuit breaker in the gateway (embedded emulators)', () => {
  it('answers 503 upstream_unavailable with Retry-After once a backend is down, and leaves the others alone', async () => {
    const gw = buildGateway('scayle', {
      BACKENDS: 'scayle,open2b',
      BREAKER_FAILURES: '2',
      BREAKER_COOLDOWN_MS: '60000',
    });
    const scayle = gw.deps.emulators.get('scayle')!;
    scayle.faults.inject({ drop: true });
    await gw.call('GET', '/customers?limit=1'); // its failed attempts open the breaker
    expect(gw.deps.breaker!.state('scayle').state).toBe('open');

    const refused = await gw.call('GET', '/customers?limit=1');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'upstream_unavailable', backend: 'scayle' });
    expect(refused.body.detail).toContain('circuit breaker is open');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(gw.deps.breaker!.state('scayle').rejected).toBeGreaterThan(0);

    expect((await gw.call('GET', '/v1/backends/open2b/customers?limit=1')).status).toBe(200);
    expect(gw.deps.breaker!.state('open2b').state).toBe('closed');
  });

  it('is off with BREAKER_FAILURES=off', () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory', BREAKER_FAILURES: 'off' });
    expect(gw.deps.breaker).toBeUndefined();
  });
});
