import type { Context } from 'hono';
import type { GatewayEnv } from '../context.js';
import { deleteIndexed } from '../store/indexed.js';
import type { SharedStore } from '../store/types.js';

/**
 * Idempotency records keep answers, and answers carry personal data (a registration answers the
 * whole customer). To erase a customer's records they are indexed by the customer the request
 * was about: the shopper on /v1/me…, the customer a /customers/{customerId}… path names (as
 * named: an id or `ref:<externalRef>`), the customer a registration created.
 */
const indexKey = (backend: string, customer: string) =>
  `idempotency:by-customer:${encodeURIComponent(backend)}:${encodeURIComponent(customer)}`;
const CUSTOMER_IN_PATH = /^\/v1\/(?:backends\/[^/]+\/)?customers\/([^/]+)/;
const REGISTRATION = /^\/v1\/(?:backends\/[^/]+\/)?customers$/;

/** The customer an answered write was about, if any (`answer`: the response the record keeps, and its body). */
function customerOf(c: Context<GatewayEnv>, answer: { status: number; body: string }): string | undefined {
  const shopper = c.get('shopper');
  if (shopper) return shopper.sub;
  const named = CUSTOMER_IN_PATH.exec(c.req.path)?.[1];
  if (named) return decodeURIComponent(named);
  if (REGISTRATION.test(c.req.path) && c.req.method === 'POST' && answer.status < 300) {
    // The recorded answer, not c.res: a create that settled after the deadline answered 504 there.
    let created: { id?: unknown } = {};
    try {
      created = JSON.parse(answer.body) as { id?: unknown };
    } catch {
      /* not a customer: nothing to index */
    }
    return typeof created.id === 'string' ? created.id : undefined;
  }
  return undefined;
}

/** Indexes a record just written for the customer its request was about (kept as long as the record). */
export async function indexRecord(
  store: SharedStore,
  c: Context<GatewayEnv>,
  recordKey: string,
  keepMs: number,
  answer: { status: number; body: string },
) {
  const backend = c.get('backend');
  const customer = backend === undefined ? undefined : customerOf(c, answer);
  if (customer !== undefined) await store.addToSet(indexKey(backend!, customer), recordKey, keepMs);
}

/** Erasure: deletes the records about the customer (under each name it was addressed by); answers how many. */
export async function deleteRecordsAbout(store: SharedStore, backend: string, names: string[]): Promise<number> {
  let count = 0;
  for (const name of names) count += await deleteIndexed(store, indexKey(backend, name));
  return count;
}
