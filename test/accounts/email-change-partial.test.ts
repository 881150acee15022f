import { afterAll, describe, expect, it } from 'vitest';
import { eventsGateway, recordingSink } from '../events/support.js';

/**
 * SFCC writes a shopper's new email (Shop API) before moving the login with it (Data API). When the
 * login is taken, the email stays changed (the 409 says so in `created`): the owner of the old
 * address must still be told, as after a whole change (customer.email.changed).
 */
const sink = recordingSink();
const gw = eventsGateway({ BACKENDS: 'sfcc' }, [sink]);
gw.events.start();
afterAll(() => gw.events.stop());

describe('an email change the platform stored in part', () => {
  it('still announces customer.email.changed with the old address', async () => {
    const signIn = await gw.call('POST', '/v1/auth/login', {
      email: 'john.smith@example.com',
      password: 'Demo!Passw0rd',
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    const auth = { authorization: `Bearer ${signIn.body.accessToken}` };
    const before = sink.received.length;
    // Erika's login: the email goes in, the login that would move with it cannot.
    const changed = await gw.call(
      'PATCH',
      '/v1/me',
      { email: 'erika.mustermann@example.de', currentPassword: 'Demo!Passw0rd' },
      auth,
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(409);
    expect(changed.body.created).toMatchObject({ updated: ['email'] });
    const customerId = signIn.body.customerId as string;
    await sink.until(before + 2);
    const events = sink.received.slice(before).filter((e) => e.subject === customerId);
    expect(events.map((e) => e.type).sort()).toEqual(['customer.email.changed', 'customer.updated']);
    expect(events.find((e) => e.type === 'customer.email.changed')!.data).toMatchObject({
      email: 'erika.mustermann@example.de',
      previousEmail: 'john.smith@example.com',
    });
  });
});
