import { afterAll, describe, expect, it } from 'vitest';
import type { Open2bBackdoor } from '../../emulators/open2b/index.js';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import { eventsGateway, recordingSink } from './support.js';

/**
 * A registration that converts a guest (issue 24) announces what the conversion did, on a backend
 * that converts guests (SCAYLE): the fields it changed and nothing else, the password it set, and
 * each address it added, which no poll could find later (the customer's change time is its own).
 */
const sink = recordingSink();
const gw = eventsGateway({ BACKENDS: 'scayle,open2b' }, [sink]);
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

/**
 * Open2b keeps one billing and one shipping address. A guest's checkout left its billing address;
 * the registration's own addresses take the slots they would take on a new customer, so its billing
 * address replaces the checkout's (it went to the shipping slot, or, marked as the default billing
 * address, failed with a 409 after the guest had already been converted).
 */
type Open2bGuestShipping = NonNullable<Parameters<Open2bBackdoor['seed']>[0][number]['shippingAddress']>;

describe('a guest conversion on Open2b', () => {
  const backdoor = () => gw.deps.emulators.get('open2b')!.backdoor as Open2bBackdoor;
  const seedGuest = async (shippingAddress: Open2bGuestShipping | null = null) => {
    const email = `guest-${Math.random().toString(36).slice(2)}@example.com`;
    const [guest] = await backdoor().seed([
      {
        canLogin: false,
        shippingAddress,
        billingAddress: {
          email,
          firstName: 'Erika',
          lastName: 'Gast',
          street1: 'Gastweg 1',
          city: 'Berlin',
          postalCode: '10115',
          country: 'DE',
          phoneNumber: '+49 30 1234',
          street2: 'Hinterhaus',
        },
      },
    ]);
    return { email, id: guest!.id };
  };
  const newAddress = {
    lastName: 'Registriert',
    line1: 'Neuweg 2',
    city: 'Hamburg',
    postalCode: '20095',
    countryCode: 'DE',
  };
  const register = (email: string, addresses: object[]) =>
    gw.call('POST', '/v1/backends/open2b/customers', {
      email,
      firstName: 'Erika',
      lastName: 'Registriert',
      password: 'Str0ng!Pw0rd',
      addresses,
    });

  for (const flags of [{}, { isDefaultBilling: true }]) {
    it(`the registration's billing address ${JSON.stringify(flags)} replaces the checkout's: customer.address.updated`, async () => {
      const { email, id } = await seedGuest();
      const before = sink.received.length;
      const registered = await register(email, [{ ...newAddress, ...flags }]);
      expect(registered.status, JSON.stringify(registered.body)).toBe(200);
      expect(registered.body.addresses).toEqual([
        expect.objectContaining({ id: 'billing', line1: 'Neuweg 2', city: 'Hamburg', isDefaultBilling: true }),
      ]);
      const stored = await backdoor().readCustomer(id);
      expect(stored).toMatchObject({
        canLogin: true,
        billingAddress: {
          street1: 'Neuweg 2',
          street2: '',
          city: 'Hamburg',
          postalCode: '20095',
          phoneNumber: '+49 30 1234',
        },
        shippingAddress: null,
      });
      await sink.until(before + 3);
      const events = sink.received.slice(before).filter((e) => e.subject === String(id));
      expect(events.map((e) => [e.type, e.data.addressId ?? null, e.data.changed ?? null])).toEqual([
        ['customer.updated', null, ['lastName', 'status.active', 'status.guest']],
        ['customer.password.changed', null, null],
        ['customer.address.updated', 'billing', ['city', 'line1', 'line2', 'postalCode']],
      ]);
    });
  }

  it("the registration's only address, the default shipping address too: the checkout's shipping address goes (customer.address.deleted)", async () => {
    // Open2b ships to the shipping address while there is one: kept, it would stay the default.
    const shipping = { name: 'Erika Gast', street1: 'Lieferweg 9', city: 'Köln', postalCode: '50667', country: 'DE' };
    const { email, id } = await seedGuest(shipping);
    const before = sink.received.length;
    const registered = await register(email, [{ ...newAddress, isDefaultBilling: true, isDefaultShipping: true }]);
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(registered.body.addresses).toEqual([
      expect.objectContaining({ id: 'billing', line1: 'Neuweg 2', isDefaultBilling: true, isDefaultShipping: true }),
    ]);
    expect(await backdoor().readCustomer(id)).toMatchObject({
      billingAddress: { street1: 'Neuweg 2', city: 'Hamburg' },
      shippingAddress: null,
    });
    await sink.until(before + 4);
    const events = sink.received.slice(before).filter((e) => e.subject === String(id));
    expect(events.map((e) => [e.type, e.data.addressId ?? null])).toEqual([
      ['customer.updated', null],
      ['customer.password.changed', null],
      ['customer.address.updated', 'billing'],
      ['customer.address.deleted', 'shipping'],
    ]);

    // Without that flag (or with a shipping address of its own) the checkout's shipping address stays.
    const kept = await seedGuest(shipping);
    expect((await register(kept.email, [{ ...newAddress, isDefaultBilling: true }])).status).toBe(200);
    expect(await backdoor().readCustomer(kept.id)).toMatchObject({ shippingAddress: { street1: 'Lieferweg 9' } });
  });

  it('a billing address naming someone else than the registration is refused before the guest is converted', async () => {
    const { email, id } = await seedGuest();
    const before = await backdoor().readCustomer(id);
    const refused = await register(email, [
      { ...newAddress, firstName: 'Max', lastName: 'Other', phone: '+49 40 999' },
    ]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'addresses.0.firstName',
      'addresses.0.lastName',
      'addresses.0.phone',
    ]);
    // Still the guest it was: nothing was written.
    expect(await backdoor().readCustomer(id)).toEqual(before);
  });

  it("a shipping address goes beside the checkout's billing address; two billing addresses are refused first", async () => {
    const { email, id } = await seedGuest();
    const refused = await register(email, [newAddress, { ...newAddress, line1: 'Zweitweg 3', isDefaultBilling: true }]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.errors).toEqual([
      { path: 'addresses.1.isDefaultBilling', message: 'the billing slot is taken' },
    ]);
    expect(await backdoor().readCustomer(id)).toMatchObject({
      canLogin: false,
      billingAddress: { street1: 'Gastweg 1' },
    });

    const registered = await register(email, [{ ...newAddress, isDefaultShipping: true }]);
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(await backdoor().readCustomer(id)).toMatchObject({
      billingAddress: { street1: 'Gastweg 1', phoneNumber: '+49 30 1234' },
      shippingAddress: { street1: 'Neuweg 2', city: 'Hamburg' },
    });
  });
});
