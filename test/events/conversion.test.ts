import { afterAll, describe, expect, it } from 'vitest';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import { eventsGateway, recordingSink } from './support.js';

/**
 * A registration that converts a guest (issue 24) announces what the conversion did, on a backend
 * that converts guests (SCAYLE): the fields it changed and nothing else, the password it set, and
 * each address it added, which no poll could find later (the customer's change time is its own).
 */
const sink = recordingSink();
const gw = eventsGateway({ BACKENDS: 'scayle' }, [sink]);
gw.events.start();
afterAll(() => gw.events.stop());

describe('change events of a guest conversion', () => {
  it('customer.updated naming what changed, customer.password.changed, and each added address', async () => {
    const backdoor = gw.deps.emulators.get('scayle')!.backdoor as ScayleBackdoor;
    const email = `guest-${Date.now().toString(36)}@example.com`;
    const [guest] = backdoor.seed([
      {
        email,
        firstName: 'Erika',
        lastName: 'Gast',
        status: { isActive: true, isGuestCustomer: true },
        addresses: [{ street: 'Gastweg', houseNumber: '1', zipCode: '10115', city: 'Berlin', countryCode: 'DEU' }],
      },
    ]);
    const id = String(guest!.id);
    const before = sink.received.length;
    const registered = await gw.call('POST', '/v1/backends/scayle/customers', {
      email,
      firstName: 'Erika',
      lastName: 'Registriert',
      password: 'Str0ng!Passw0rd',
      addresses: [
        { lastName: 'Registriert', line1: 'Neuweg 2', city: 'Hamburg', postalCode: '20095', countryCode: 'DE' },
      ],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(registered.body.id).toBe(id);
    const added = registered.body.addresses.find((a: { line1: string }) => a.line1 === 'Neuweg 2').id as string;
    await sink.until(before + 3);
    expect(
      sink.received.slice(before).map((e) => [e.type, e.subject, e.data.changed ?? null, e.data.addressId ?? null]),
    ).toEqual([
      // firstName was the guest's already: not a change.
      ['customer.updated', id, ['lastName', 'status.guest'], null],
      ['customer.password.changed', id, null, null],
      ['customer.address.created', id, null, added],
    ]);
  });
});
