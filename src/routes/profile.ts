import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  type Customer,
  type CustomerPatch,
  type CustomerPatchSchema,
  type ShopperCustomerPatch,
  CustomerSchema,
  type PasswordChangeSchema,
  type ShopperCustomerPatchSchema,
  type ShopperPasswordChangeSchema,
} from '../../schemas/index.js';
import { capable } from '../../adapters/unsupported.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import { customerUpdated, emit } from '../events/emit.js';
import { changedPaths } from '../events/model.js';
import { isGatewayError } from '../../adapters/errors.js';
import { answerRead, conditionalWrite, patchRoute } from './handlers.js';
import type { Subject } from './subject.js';
import { body, json, nativeId, problemResponses, resourceLock } from './support.js';

export interface PasswordRule {
  schema: typeof PasswordChangeSchema | typeof ShopperPasswordChangeSchema;
  summary: string;
  /** Runs after the backend accepted the new password (sessions end). */
  afterChange?(c: Context<GatewayEnv>): Promise<void>;
}

export interface UpdateRule {
  /** The fields this caller may change. */
  schema: typeof CustomerPatchSchema | typeof ShopperCustomerPatchSchema;
  /**
   * Runs before the backend is asked, under the customer's lock and after the If-Match check:
   * checks what the caller must prove for this change (the current password for a shopper's new
   * email), answers the patch to send, what to do once the backend has stored it, and whether the
   * check signed the shopper in (which moves the customer's version: its last login).
   */
  guard?(c: Context<GatewayEnv>, input: CustomerPatch | ShopperCustomerPatch): Promise<Guarded>;
  /** Runs after the backend stored the update, with the customer as it now is. */
  afterUpdate?(c: Context<GatewayEnv>, customer: Customer): Promise<void>;
}

export interface Guarded {
  patch: CustomerPatch;
  stored?(customer: Customer): Promise<void>;
  signedIn?: boolean;
}

/**
 * A PATCH the platform took in part before it failed (SCAYLE's several calls, SFCC's login after
 * the profile) names the customer and the fields written (`created`): those are announced, as the
 * write's own change, before the problem is answered; a new email among them has the guard's
 * `stored` run too (customer.email.changed, for the old address's owner), with the customer read
 * for it (the write's answer never came). Recording may fail too: the problem stands, and a polled
 * backend's next poll finds the change.
 */
async function announcePartialUpdate(
  deps: GatewayDeps,
  c: Context<GatewayEnv>,
  guarded: Guarded,
  error: unknown,
  read: () => Promise<{ value: Customer }>,
) {
  if (!isGatewayError(error)) return;
  const { customerId, updated } = error.created ?? {};
  if (typeof customerId !== 'string' || !Array.isArray(updated)) return;
  const log = c.get('log');
  const written = Object.fromEntries(Object.entries(guarded.patch).filter(([field]) => updated.includes(field)));
  if (Object.keys(written).length > 0) {
    const draft = {
      type: 'customer.updated' as const,
      backend: c.get('backend'),
      customerId,
      changed: changedPaths(written),
    };
    await emit(deps.events, c, () => [draft]).catch((failure: unknown) =>
      log.error({ err: failure }, 'could not record the change event of a partly applied update'),
    );
  }
  if (guarded.stored && updated.includes('email'))
    await read()
      .then((current) => guarded.stored!(current.value))
      .catch((failure: unknown) =>
        log.error({ err: failure }, 'could not announce the email change of a partly applied update'),
      );
}

/** One customer's profile (read, partial update, password) for an administrator or the shopper (see Subject). */
export function profileRoutes<Path extends string>(
  deps: GatewayDeps,
  subject: Subject<Path>,
  update: UpdateRule,
  password: PasswordRule,
) {
  const { tags, operationId: op } = subject;

  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get',
        path: subject.path,
        operationId: op('getCustomer'),
        tags,
        summary: 'One customer, with its ETag',
        request: { params: subject.params, query: z.object({ expand: z.enum(['addresses']).optional() }) },
        responses: {
          200: json(CustomerSchema, 'The customer'),
          304: { description: 'Unchanged since the If-None-Match ETag' },
          ...problemResponses,
        },
      }),
      async (c) =>
        answerRead(
          c,
          await c
            .get('adapter')
            .getCustomer(
              subject.ref(c),
              { expandAddresses: c.req.valid('query').expand === 'addresses' },
              c.get('call'),
            ),
        ),
    )
    .openapi(
      patchRoute(subject.path, op('updateCustomer'), tags, 'Partial update; honours If-Match', [
        subject.params,
        update.schema,
        CustomerSchema,
      ]),
      async (c) => {
        const adapter = c.get('adapter'),
          call = c.get('call');
        const ref = subject.ref(c);
        const read = () => adapter.getCustomer(ref, { expandAddresses: false }, call);
        const input = c.req.valid('json');
        const { guard } = update;
        let guarded: Guarded = { patch: input };
        const updated = await conditionalWrite(
          c,
          adapter,
          resourceLock(c, deps, subject.key(c)),
          read,
          (ifMatch) => adapter.updateCustomer(ref, guarded.patch, { ifMatch }, call),
          guard &&
            (async () => {
              guarded = await guard(c, input);
              return guarded.signedIn === true;
            }),
        ).catch(async (error: unknown) => {
          await announcePartialUpdate(deps, c, guarded, error, read);
          throw error;
        });
        const { patch, stored } = guarded;
        await stored?.(updated.value);
        await update.afterUpdate?.(c, updated.value);
        // What was written: never `currentPassword` (a proof, not a field), and a login that moved with the email.
        // An empty patch changed nothing: no event (the write is still answered with the customer).
        await emit(deps.events, c, () =>
          Object.keys(patch).length === 0 ? [] : [customerUpdated(c.get('backend'), updated.value, patch)],
        );
        return c.json(updated.value, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: `${subject.path}/password` as const,
        operationId: op('setCustomerPassword'),
        tags,
        summary: password.summary,
        request: { params: subject.params, body: body(password.schema) },
        responses: { 204: { description: 'Changed' }, ...problemResponses },
      }),
      async (c) => {
        const setPassword = capable(c.get('adapter'), 'passwordChange');
        await setPassword(subject.ref(c), c.req.valid('json'), c.get('call'));
        await password.afterChange?.(c);
        await emit(deps.events, c, async () => [
          {
            type: 'customer.password.changed',
            backend: c.get('backend'),
            customerId: await nativeId(c, subject.ref(c)),
          },
        ]);
        return c.body(null, 204);
      },
    );
}
