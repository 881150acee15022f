import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { GatewayError } from '../../adapters/errors.js';
import { AddressCreateSchema, AddressPatchSchema, AddressSchema, PageQuerySchema, pageSchema } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import { answerCreated, answerPage, answerRead, conditionalDelete, conditionalWrite, deleteRoute, patchRoute } from './handlers.js';
import { recoverAddressCreate } from './recovery.js';
import { AddressIdParam, body, CustomerIdParam, customerRef, json, problemResponses, resourceLock } from './support.js';

const AddressPage = pageSchema(AddressSchema, 'AddressPage');

/** A customer's addresses, mounted like customerRoutes. */
export function addressRoutes(deps: GatewayDeps, scoped: boolean) {
  const tag = scoped ? ['addresses (per backend)'] : ['addresses'];
  const op = (name: string) => (scoped ? `${name}OnBackend` : name);
  const ofCustomer = z.object({ customerId: CustomerIdParam });
  const one = z.object({ customerId: CustomerIdParam, addressId: AddressIdParam });
  const location = (basePath: string, customerId: string, addressId: string) =>
    `${basePath}/customers/${encodeURIComponent(customerId)}/addresses/${encodeURIComponent(addressId)}`;

  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get', path: '/customers/{customerId}/addresses', operationId: op('listAddresses'), tags: tag,
        summary: "A page of the customer's addresses (defaults first)",
        request: { params: ofCustomer, query: PageQuerySchema },
        responses: { 200: json(AddressPage, 'A page of addresses'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const { customerId } = c.req.valid('param');
        const query = c.req.valid('query');
        return answerPage(c, deps.cursors, `addresses:${customerId}`, query, (position) => adapter.listAddresses(customerRef(adapter, customerId), { limit: query.limit, position }, c.get('call')));
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/customers/{customerId}/addresses', operationId: op('createAddress'), tags: tag,
        summary: 'Add an address',
        request: { params: ofCustomer, body: body(AddressCreateSchema) },
        responses: { 201: json(AddressSchema, 'Created; Location names it'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const { customerId } = c.req.valid('param');
        const ref = customerRef(adapter, customerId);
        const recovering = c.get('recovering');
        const input = c.req.valid('json');
        const created =
          (recovering && (await recoverAddressCreate(adapter, ref, input, c.get('call'), recovering.since))) || (await adapter.createAddress(ref, input, c.get('call')));
        return answerCreated(c, location(c.get('basePath'), customerId, created.value.id), created);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/customers/{customerId}/addresses/{addressId}', operationId: op('getAddress'), tags: tag,
        summary: 'One address, with its ETag',
        request: { params: one },
        responses: { 200: json(AddressSchema, 'The address'), 304: { description: 'Unchanged since the If-None-Match ETag' }, ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const { customerId, addressId } = c.req.valid('param');
        return answerRead(c, await adapter.getAddress(customerRef(adapter, customerId), addressId, c.get('call')));
      },
    )
    .openapi(
      patchRoute(
        '/customers/{customerId}/addresses/{addressId}',
        op('updateAddress'),
        tag,
        'Partial update; a new `id` renames where the backend can (Location then names the new one)',
        [one, AddressPatchSchema, AddressSchema],
      ),
      async (c) => {
        const { adapter, call } = c.var;
        const { customerId, addressId } = c.req.valid('param');
        const patch = c.req.valid('json');
        const ref = customerRef(adapter, customerId);
        if (patch.id !== undefined && patch.id !== addressId && !adapter.capabilities.addressRename) {
          throw new GatewayError('not_supported', `backend ${adapter.backend} cannot rename addresses; create a new one instead`, {
            errors: [{ path: 'id', message: 'cannot be changed on this backend' }],
          });
        }
        const read = () => adapter.getAddress(ref, addressId, call);
        const updated = await conditionalWrite(c, adapter, resourceLock(c, deps, customerId, addressId), read, (ifMatch) => adapter.updateAddress(ref, addressId, patch, { ifMatch }, call));
        if (updated.value.id !== addressId) c.header('Location', location(c.get('basePath'), customerId, updated.value.id));
        return c.json(updated.value, 200);
      },
    )
    .openapi(
      deleteRoute('/customers/{customerId}/addresses/{addressId}', op('deleteAddress'), tag, 'Delete an address; honours If-Match', one),
      async (c) => {
        const { adapter, call } = c.var;
        const { customerId, addressId } = c.req.valid('param');
        const ref = customerRef(adapter, customerId);
        const read = () => adapter.getAddress(ref, addressId, call);
        return conditionalDelete(c, resourceLock(c, deps, customerId, addressId), read, () => adapter.deleteAddress(ref, addressId, call));
      },
    );
}
