import { Hono, type Context } from 'hono';
import { AddressCreateBody, AddressUpdateBody, parseBody, ReferenceKeyBody } from './payloads.js';
import { anonymizeAddressFields, CUSTOMERS, presentAddress, type ScayleResources } from './resource.js';
import type { ScayleAddress } from './store.js';
import { ERROR_KEYS, errorResponse, readBody, scayleError } from './wire.js';

/** A customer's addresses: list, create, read, patch, reference key and anonymize (SCAYLE has no DELETE). */
export function addressRoutes(resources: ScayleResources): Hono {
  const {
    store,
    shopKey,
    findCustomer,
    findAddress,
    assertAddressKeyFree,
    settleDefaults,
    touch,
    assign,
    answerAddress,
  } = resources;
  const app = new Hono();

  app.get(`${CUSTOMERS}/:ident/addresses`, (c) =>
    c.json({ entities: findCustomer(c).addresses.map((a) => presentAddress(a, c, shopKey)) }),
  );

  app.post(`${CUSTOMERS}/:ident/addresses`, async (c) => {
    const customer = findCustomer(c);
    const body = parseBody(AddressCreateBody, await readBody(c));
    assertAddressKeyFree(customer, body.referenceKey);
    const address: ScayleAddress = {
      id: store.newAddressId(),
      referenceKey: body.referenceKey ?? null,
      street: body.street,
      houseNumber: body.houseNumber ?? null,
      additional: body.additional ?? null,
      zipCode: body.zipCode,
      city: body.city,
      countryCode: body.countryCode,
      state: body.state ?? null,
      phone: body.phone ?? null,
      type: 'shipping',
      isDefault: { billing: body.isDefault?.billing ?? false, shipping: body.isDefault?.shipping ?? false },
      recipient: body.recipient ?? null,
      collectionPoint: body.collectionPoint ?? null,
    };
    customer.addresses.push(address);
    settleDefaults(customer, address);
    touch(customer);
    return answerAddress(c, address, 201);
  });

  app.get(`${CUSTOMERS}/:ident/addresses/:addr`, (c) => answerAddress(c, findAddress(c, findCustomer(c))));

  app.patch(`${CUSTOMERS}/:ident/addresses/:addr`, async (c) => {
    const customer = findCustomer(c);
    const address = findAddress(c, customer);
    const { isDefault, ...body } = parseBody(AddressUpdateBody, await readBody(c));
    assign(address as unknown as Record<string, unknown>, body);
    if (isDefault)
      address.isDefault = {
        billing: isDefault.billing ?? address.isDefault.billing,
        shipping: isDefault.shipping ?? address.isDefault.shipping,
      };
    settleDefaults(customer, address);
    touch(customer);
    return answerAddress(c, address);
  });

  app.put(`${CUSTOMERS}/:ident/addresses/:addr/reference-key`, async (c) => {
    const customer = findCustomer(c);
    const address = findAddress(c, customer);
    const { referenceKey } = parseBody(ReferenceKeyBody, await readBody(c));
    assertAddressKeyFree(customer, referenceKey, address);
    address.referenceKey = referenceKey;
    touch(customer);
    return answerAddress(c, address);
  });

  const anonymizeAddress = (c: Context) => {
    const customer = findCustomer(c);
    anonymizeAddressFields(findAddress(c, customer));
    touch(customer);
    return c.body(null, 204);
  };
  app.post(`${CUSTOMERS}/:ident/addresses/:addr/anonymize`, anonymizeAddress);
  app.delete(`${CUSTOMERS}/:ident/addresses/:addr/anonymize`, anonymizeAddress);

  // SCAYLE has no address DELETE: say so the way a router does.
  app.delete(`${CUSTOMERS}/:ident/addresses/:addr`, () =>
    errorResponse(
      405,
      [scayleError(ERROR_KEYS.methodNotAllowed, 'Method not allowed. Use POST …/anonymize to remove personal data.')],
      { allow: 'GET, PATCH' },
    ),
  );

  return app;
}
