import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { capable, unsupported } from '../../adapters/unsupported.js';
import {
  AddressCreateSchema,
  AddressPatchSchema,
  AddressSchema,
  PageQuerySchema,
  pageSchema,
} from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { outlastingDeadline } from '../idempotency/settle.js';
import { validationHook } from '../middleware/validation.js';
import { addressChanged, emit } from '../events/emit.js';
import {
  answerCreated,
  answerPage,
  answerRead,
  conditionalDelete,
  conditionalWrite,
  createdResponse,
  deleteRoute,
  patchRoute,
} from './handlers.js';
import { recoverAddressCreate } from './recovery.js';
import type { Subject } from './subject.js';
import { AddressIdParam, body, etagScope, json, nativeId, problemResponses, resourceLock } from './support.js';

const AddressPage = pageSchema(AddressSchema, 'AddressPage');

/** A customer's addresses: an administrator's view of any customer, or a shopper's own (see Subject). */
export function addressRoutes<Path extends string>(deps: GatewayDeps, subject: Subject<Path>) {
  const { tags, operationId: op } = subject;
  const list = `${subject.path}/addresses` as const;
  const item = `${list}/{addressId}` as const;
  const one = subject.params.extend({ addressId: AddressIdParam });
  const location = (c: Parameters<Subject['url']>[0], addressId: string) =>
    `${subject.url(c)}/addresses/${encodeURIComponent(addressId)}`;

  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get',
        path: list,
        operationId: op('listAddresses'),
        tags,
        summary: "A page of the customer's addresses (defaults first)",
        request: { params: subject.params, query: PageQuerySchema },
        responses: { 200: json(AddressPage, 'A page of addresses'), ...problemResponses },
      }),
      async (c) => {
        const query = c.req.valid('query');
        return answerPage(c, deps.cursors, subject.cursorScope(c), query, (position) =>
          c.get('adapter').listAddresses(subject.ref(c), { limit: query.limit, position }, c.get('call')),
        );
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: list,
        operationId: op('createAddress'),
        tags,
        summary: 'Add an address',
        request: { params: subject.params, body: body(AddressCreateSchema) },
        responses: { 201: json(AddressSchema, 'Created; Location names it'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter'),
          recovering = c.get('recovering');
        const ref = subject.ref(c);
        const input = c.req.valid('json');
        // The event is recorded by the create itself, so a create that outlives the deadline still has it.
        // Under the customer's lock: a new default address (or Open2b's billing slot) rewrites others.
        const lock = resourceLock(c, deps, subject.key(c));
        const created = await outlastingDeadline(
          c,
          async (call) => {
            const address = await lock(
              async () =>
                (recovering && (await recoverAddressCreate(adapter, ref, input, call, recovering.since))) ||
                (await adapter.createAddress(ref, input, call)),
            );
            await emit(deps.events, c, async () => [
              addressChanged('customer.address.created', c.get('backend'), await nativeId(c, ref, call), address.value),
            ]);
            return address;
          },
          (late) => createdResponse(location(c, late.value.id), late, etagScope(c)),
        );
        return answerCreated(c, location(c, created.value.id), created);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: item,
        operationId: op('getAddress'),
        tags,
        summary: 'One address, with its ETag',
        request: { params: one },
        responses: {
          200: json(AddressSchema, 'The address'),
          304: { description: 'Unchanged since the If-None-Match ETag' },
          ...problemResponses,
        },
      }),
      async (c) =>
        answerRead(c, await c.get('adapter').getAddress(subject.ref(c), c.req.param('addressId') ?? '', c.get('call'))),
    )
    .openapi(
      patchRoute(
        item,
        op('updateAddress'),
        tags,
        'Partial update; a new `id` renames where the backend can (Location then names the new one)',
        [one, AddressPatchSchema, AddressSchema],
      ),
      async (c) => {
        const adapter = c.get('adapter'),
          call = c.get('call');
        const addressId = c.req.param('addressId') ?? '';
        const patch = c.req.valid('json');
        const ref = subject.ref(c);
        if (patch.id !== undefined && patch.id !== addressId && !adapter.capabilities.addressRename)
          throw unsupported(adapter, 'addressRename', { field: 'id' });
        const read = () => adapter.getAddress(ref, addressId, call);
        const updated = await conditionalWrite(c, adapter, resourceLock(c, deps, subject.key(c)), read, (ifMatch) =>
          adapter.updateAddress(ref, addressId, patch, { ifMatch }, call),
        );
        // An empty patch changed nothing: no event.
        await emit(deps.events, c, async () =>
          Object.keys(patch).length === 0
            ? []
            : [
                addressChanged(
                  'customer.address.updated',
                  c.get('backend'),
                  await nativeId(c, ref),
                  updated.value,
                  patch,
                  addressId,
                ),
              ],
        );
        if (updated.value.id !== addressId) c.header('Location', location(c, updated.value.id));
        return c.json(updated.value, 200);
      },
    )
    .openapi(deleteRoute(item, op('deleteAddress'), tags, 'Delete an address; honours If-Match', one), async (c) => {
      const adapter = c.get('adapter'),
        call = c.get('call');
      const addressId = c.req.param('addressId') ?? '';
      const deleteAddress = capable(adapter, 'addressDelete');
      const ref = subject.ref(c);
      const read = () => adapter.getAddress(ref, addressId, call);
      const answer = await conditionalDelete(c, resourceLock(c, deps, subject.key(c)), read, () =>
        deleteAddress(ref, addressId, call),
      );
      await emit(deps.events, c, async () => [
        { type: 'customer.address.deleted', backend: c.get('backend'), customerId: await nativeId(c, ref), addressId },
      ]);
      return answer;
    });
}
