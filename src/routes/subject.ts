import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CustomerRef } from '../../adapters/types.js';
import type { GatewayEnv } from '../context.js';
import { CustomerIdParam, customerRef } from './support.js';

/**
 * Whose data a router works on. The same profile and address routes serve an administrator
 * (`/customers/{customerId}`, any customer) and a shopper (`/me`, only the customer of the
 * access token): only where the customer comes from differs, never the shapes or the rules.
 */
export interface Subject<Path extends string = string> {
  /** OpenAPI path of the customer below the mount point. */
  path: Path;
  params: z.ZodObject;
  tags: string[];
  operationId(name: string): string;
  ref(c: Context<GatewayEnv>): CustomerRef;
  /** The customer as the request names it, for resource locks. */
  key(c: Context<GatewayEnv>): string;
  /** URL of the customer, where Location headers start. */
  url(c: Context<GatewayEnv>): string;
  /** Scope signed into address cursors, so one customer's cursor never pages another's list. */
  cursorScope(c: Context<GatewayEnv>): string;
}

const AdminParams = z.object({ customerId: CustomerIdParam });

/** Any customer by id or `ref:`; mounted at /v1 (default backend) and /v1/backends/{backend}. */
export function adminSubject(scoped: boolean, resource: 'customers' | 'addresses'): Subject<'/customers/{customerId}'> {
  const customerId = (c: Context<GatewayEnv>) => c.req.param('customerId') ?? '';
  return {
    path: '/customers/{customerId}',
    params: AdminParams,
    tags: [scoped ? `${resource} (per backend)` : resource],
    operationId: (name) => (scoped ? `${name}OnBackend` : name),
    ref: (c) => customerRef(c.get('adapter'), customerId(c)),
    key: customerId,
    url: (c) => `${c.get('basePath')}/customers/${encodeURIComponent(customerId(c))}`,
    cursorScope: (c) => `addresses:${customerId(c)}`,
  };
}

const NoParams = z.object({});

/** The signed-in shopper (requireShopper put the token's claims on the context). */
export const meSubject: Subject<'/me'> = {
  path: '/me',
  params: NoParams,
  tags: ['me (shopper)'],
  operationId: (name) => `${name}OfMe`,
  ref: (c) => ({ kind: 'id', id: c.get('shopper').sub }),
  key: (c) => c.get('shopper').sub,
  url: () => '/v1/me',
  cursorScope: (c) => `me-addresses:${c.get('shopper').sub}`,
};
