import { afterAll, describe, expect, it } from 'vitest';
import type { SfccBackdoor } from '../../emulators/sfcc/index.js';
import { eventsGateway, recordingSink } from '../events/support.js';

/**
 * SFCC writes a shopper's new email (Shop API) before moving the login with it (Data API). A login
 * taken by then is refused before anything is written, unless another customer takes it in between
 * (a race): the email then stays changed (the 409 says so in `created`), and the owner of the old
 * address must still be told, as after a whole change (customer.email.changed).
 */
const RACED = 'raced.login@example.de';
const sink = recordingSink();
// Another customer takes the new login just as the Shop API PATCH goes out (after the search said free).
const gw = eventsGateway({ BACKENDS: 'sfcc' }, [sink], undefined, (backend, fetch) => async (input, init) => {
  const request = new Request(input, init);
  if (request.method === 'PATCH' && new URL(request.url).pathname.includes('/dw/shop/'))
    (gw.deps.emulators.get(backend)!.backdoor as SfccBackdoor).seed([
      { customer: { login: RACED, email: RACED, last_name: 'Racer' } },
    ]);
  return fetch(request);
});
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
    // Taken in the race: the email goes in, the login that would move with it cannot.
    const changed = await gw.call('PATCH', '/v1/me', { email: RACED, currentPassword: 'Demo!Passw0rd' }, auth);
    expect(changed.status, JSON.stringify(changed.body)).toBe(409);
    expect(changed.body.created).toMatchObject({ updated: ['email'] });
    const customerId = signIn.body.customerId as string;
    await sink.until(before + 2);
    const events = sink.received.slice(before).filter((e) => e.subject === customerId);
    expect(events.map((e) => e.type).sort()).toEqual(['customer.email.changed', 'customer.updated']);
    expect(events.find((e) => e.type === 'customer.email.changed')!.data).toMatchObject({
      email: RACED,
      previousEmail: 'john.smith@example.com',
    });
  });
});
