import { z } from '@hono/zod-openapi';

/**
 * What a backend can do: the one definition. Adapters declare it (the type is inferred from
 * here), routes gate on it, the conformance suite skips by it, and GET /backends documents it.
 */
export const CapabilitiesSchema = z
  .object({
    listCustomers: z
      .boolean()
      .openapi({ description: 'GET /customers works (SFCC only with the Data API configured).' }),
    totalCount: z.boolean().openapi({ description: 'Pages carry `total` cheaply.' }),
    etag: z.boolean().openapi({ description: 'Native upstream ETags; otherwise derived by the gateway.' }),
    customerDelete: z.boolean(),
    addressDelete: z.boolean(),
    addressRename: z.boolean().openapi({ description: 'A PATCH may change an address id.' }),
    externalRefLookup: z
      .boolean()
      .openapi({ description: '`ref:<externalRef>` customer ids and the `externalRef` list filter.' }),
    passwordChange: z.boolean(),
    shopperLogin: z.boolean().openapi({
      description: 'POST /v1/auth/login works: the platform verifies shopper passwords (`authenticateShopper`).',
    }),
    guestConversion: z.boolean().openapi({
      description:
        'Registering (POST /customers) with the email of a guest customer converts that guest (same id, addresses and history) instead of answering 409 or making a second customer (`convertGuest`).',
    }),
    erasure: z.boolean().openapi({
      description:
        'POST /customers/{customerId}/erase and DELETE /v1/me erase the customer on the platform, in its own way (`eraseCustomer`).',
    }),
    listByUpdatedSince: z.boolean().openapi({
      description:
        'Customers can be listed by change time (`updatedSince`): the event poller finds changes made outside the gateway (docs/events.md).',
    }),
    maxAddresses: z
      .int()
      .optional()
      .openapi({ description: 'Most addresses a customer can hold, where the backend caps it (Open2b: 2).' }),
  })
  .openapi('Capabilities');

export type Capabilities = z.infer<typeof CapabilitiesSchema>;
