import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayUnderTest } from '../conformance/harness.js';
import { liveGateway, onTarget, PASSWORD, type Platforms, seedSource, servePair } from './support.js';

/**
 * What `live` must refuse or must not pretend, from bug hunts: a registration or an edit that
 * claims a source customer through the migration's own reference, a new password that the only
 * platform checking sign-ins did not take, and a deleted customer's copy on a source that cannot
 * delete.
 */
describe('live migration sfcc -> scayle: the migration reference, the password the source checks, a delete it cannot do', () => {
  let platforms: Platforms;
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    platforms = await servePair('sfcc', 'scayle');
    gw = liveGateway(platforms, 'sfcc->scayle');
  });
  afterAll(async () => platforms.close());

  it('refuses an externalRef of the form <source>:<id>, which would make the customer that source customer', async () => {
    const [victim] = await seedSource(gw, 'sfcc', 1, false);
    const claim = `sfcc:${victim!.id}`;
    const registered = await gw.call('POST', '/customers', {
      email: `claim-${Date.now()}@example.com`,
      lastName: 'Claim',
      password: 'Att4cker!Passw0rd',
      externalRef: claim,
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(400);
    expect(registered.body.errors).toEqual([{ path: 'externalRef', message: 'must not start with "sfcc:"' }]);
    const born = await gw.call('POST', '/customers', { email: `born-${Date.now()}@example.com`, lastName: 'Born' });
    expect(born.status, JSON.stringify(born.body)).toBe(201);
    const edited = await gw.call('PATCH', `/customers/${encodeURIComponent(born.body.id)}`, { externalRef: claim });
    expect(edited.status, JSON.stringify(edited.body)).toBe(400);
    // The source customer is still itself: its own email, unmoved.
    const read = await gw.call('GET', `/customers/${victim!.id}`);
    expect(read.body).toMatchObject({ email: victim!.email, migration: { state: 'source' } });
  });

  it('a new password the source (the only one checking sign-ins) did not take fails the request', async () => {
    const [shopper] = await seedSource(gw, 'sfcc', 1, false);
    const path = `/customers/${shopper!.id}/password`;
    platforms.faults('sfcc').inject({ path: /password/, status: 503, times: 20 });
    let refused: Awaited<ReturnType<GatewayUnderTest['call']>>;
    try {
      refused = await gw.call('PUT', path, { password: 'N3w!Passw0rdX' });
    } finally {
      platforms.faults('sfcc').clear();
    }
    expect(refused.status, JSON.stringify(refused.body)).toBeGreaterThanOrEqual(500);
    // Sign-ins go on with the password the source checks: the old one.
    expect((await gw.call('POST', '/auth/login', { email: shopper!.email, password: PASSWORD })).status).toBe(200);
    const set = await gw.call('PUT', path, { password: 'N3w!Passw0rdX' });
    expect(set.status, JSON.stringify(set.body)).toBe(204);
    expect((await gw.call('POST', '/auth/login', { email: shopper!.email, password: 'N3w!Passw0rdX' })).status).toBe(
      200,
    );
  });

  it("deactivates SFCC's copy, so a gateway that lost its store cannot sign the customer in and move it back", async () => {
    const [shopper] = await seedSource(gw, 'sfcc', 1);
    expect((await gw.call('DELETE', `/customers/${shopper!.id}`)).status).toBe(204);
    expect(platforms.backdoor('sfcc').readCustomer(shopper!.id)).toMatchObject({ enabled: false });
    expect((await onTarget(platforms, 'scayle', shopper!.email)).count).toBe(0);
    // A gateway with a fresh (empty) store: the delete is remembered nowhere but on the platforms.
    const amnesiac = liveGateway(platforms, 'sfcc->scayle');
    expect((await amnesiac.call('POST', '/auth/login', { email: shopper!.email, password: PASSWORD })).status).toBe(
      401,
    );
    expect((await onTarget(platforms, 'scayle', shopper!.email)).count).toBe(0);
  });
});
