import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { CustomerPatchSchema, CustomerSchema, type PasswordChangeSchema, type ShopperPasswordChangeSchema } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import type { Subject } from './subject.js';
import { body, etagOf, IfMatchHeader, json, notModified, problemResponses, resourceLock, withIfMatch } from './support.js';

export interface PasswordRule {
  schema: typeof PasswordChangeSchema | typeof ShopperPasswordChangeSchema;
  summary: string;
  /** Runs after the backend accepted the new password (a shopper's other sessions end). */
  afterChange?(c: Context<GatewayEnv>): Promise<void>;
}

/** One customer's profile (read, partial update, password) for an administrator or the shopper (see Subject). */
export function profileRoutes<Path extends string>(deps: GatewayDeps, subject: Subject<Path>, password: PasswordRule) {
  const tags = subject.tags;
  const op = subject.operationId;

  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get', path: subject.path, operationId: op('getCustomer'), tags,
        summary: 'One customer, with its ETag',
        request: { params: subject.params, query: z.object({ expand: z.enum(['addresses']).optional() }) },
        responses: { 200: json(CustomerSchema, 'The customer'), 304: { description: 'Unchanged since the If-None-Match ETag' }, ...problemResponses },
      }),
      async (c) => {
        const found = await c.get('adapter').getCustomer(subject.ref(c), { expandAddresses: c.req.valid('query').expand === 'addresses' }, c.get('call'));
        const etag = await etagOf(found);
        c.header('ETag', etag);
        if (notModified(c.req.header('if-none-match'), etag)) return c.body(null, 304);
        return c.json(found.value, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch', path: subject.path, operationId: op('updateCustomer'), tags,
        summary: 'Partial update; honours If-Match',
        request: { params: subject.params, headers: IfMatchHeader, body: body(CustomerPatchSchema) },
        responses: { 200: json(CustomerSchema, 'The updated customer'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const call = c.get('call');
        const ref = subject.ref(c);
        const updated = await withIfMatch(
          adapter.capabilities.etag,
          c.req.valid('header')['if-match'],
          resourceLock(c, deps, subject.key(c)),
          () => adapter.getCustomer(ref, { expandAddresses: false }, call),
          (ifMatch) => adapter.updateCustomer(ref, c.req.valid('json'), { ifMatch }, call),
        );
        c.header('ETag', await etagOf(updated));
        return c.json(updated.value, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put', path: `${subject.path}/password` as const, operationId: op('setCustomerPassword'), tags,
        summary: password.summary,
        request: { params: subject.params, body: body(password.schema) },
        responses: { 204: { description: 'Changed' }, ...problemResponses },
      }),
      async (c) => {
        await c.get('adapter').setPassword(subject.ref(c), c.req.valid('json'), c.get('call'));
        await password.afterChange?.(c);
        return c.body(null, 204);
      },
    );
}
