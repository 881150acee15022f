import type { Customer } from '../../schemas/index.js';
import { GatewayError } from '../errors.js';
import type { AdapterPage, CallContext, ListCustomersQuery } from '../types.js';
import { path, type OcapiClient } from './client.js';
import { fromOcapiCustomer } from './map.js';
import type { SfccOptions } from './options.js';
import { customerSearchPosition } from './paginate.js';
import { CustomerSearchResultSchema, type OcapiCustomer } from './upstream.js';

/** What turns listing and `ref:` lookups on when the Data API is not configured. */
export const DATA_API_HINT = 'set SFCC_DATA_BASE_URL and SFCC_CUSTOMER_LIST (OCAPI Data API customer_search)';

const termQuery = (field: string, value: string) => ({
  term_query: { fields: [field], operator: 'is', values: [value] },
});

/**
 * The OCAPI Data API customer search (`customer_lists/{list}/customer_search`): listing with
 * filters, and the `externalRef` lookups the Shop API cannot do. Absent without SFCC_DATA_BASE_URL.
 */
export function createCustomerSearch(client: OcapiClient, options: SfccOptions) {
  const attribute = options.externalRefAttribute;
  const available = options.data !== undefined;

  const search = async (ctx: CallContext, query: Record<string, unknown>, start: number, count: number) => {
    const request = {
      method: 'POST' as const,
      path: path('customer_lists', options.data!.customerList, 'customer_search'),
      auth: { kind: 'oauth' } as const,
      json: { query, sorts: [{ field: 'customer_no', sort_order: 'asc' }], start, count },
      what: 'the customer search',
    };
    return (await client.call(ctx, 'data', request, CustomerSearchResultSchema)).body;
  };

  const holding = async (ctx: CallContext, field: string, value: string): Promise<OcapiCustomer[]> =>
    (await search(ctx, termQuery(field, value), 0, 2)).hits.map((h) => h.data);
  const byExternalRef = (ctx: CallContext, externalRef: string) => holding(ctx, attribute, externalRef);

  /** 409 (`detail`, naming `path`) when a customer other than `self` holds `value` in `field`; unchecked without the Data API. */
  const assertFree = async (
    ctx: CallContext,
    [field, value]: [string, string],
    self: string | undefined,
    { path, detail }: { path: string; detail: string },
  ) => {
    if (!available) return;
    if ((await holding(ctx, field, value)).some((c) => c.customer_id !== self))
      throw new GatewayError('conflict', detail, { errors: [{ path, message: 'already used' }] });
  };

  return {
    available,
    byExternalRef,

    /** 409 when another customer holds the externalRef (docs/backends/sfcc.md). */
    assertExternalRefFree: (ctx: CallContext, externalRef: string, self?: string) =>
      assertFree(ctx, [attribute, externalRef], self, {
        path: 'externalRef',
        detail: `a customer with externalRef ${externalRef} already exists`,
      }),

    /**
     * 409 when another customer holds the login, asked before a change writes anything: the login
     * moves by a second call (the Data API, after the Shop API PATCH), which would otherwise find
     * it taken with the rest of the change written. The search names it `credentials.login`, as
     * the Data API's customer document does, and matches it as SFCC keeps logins unique: in any case.
     */
    assertLoginFree: (ctx: CallContext, login: string, self: string) =>
      assertFree(ctx, ['credentials.login', login], self, { path: 'login', detail: 'another customer has this login' }),

    /** Only with the Data API (`available`): the adapter offers listCustomers only then. */
    async list(query: ListCustomersQuery, ctx: CallContext): Promise<AdapterPage<Customer>> {
      // Keyset paging on customer_no (the sort), not OCAPI's `start`: a customer deleted while a
      // list or a migration pages would shift every later one back by one, and one would be skipped.
      const { start, after, seen } = customerSearchPosition(query.position);
      const must: Record<string, unknown>[] = [];
      if (after !== undefined) must.push({ range_query: { field: 'customer_no', from: after, from_inclusive: false } });
      if (query.email) must.push(termQuery('email', query.email));
      if (query.externalRef) must.push(termQuery(attribute, query.externalRef));
      if (query.updatedSince)
        must.push({
          range_query: {
            field: 'last_modified',
            from: new Date(query.updatedSince).toISOString(),
            from_inclusive: true,
          },
        });
      const q = must.length === 0 ? { match_all_query: {} } : must.length === 1 ? must[0]! : { bool_query: { must } };
      const result = await search(ctx, q, start, query.limit);
      const last = result.hits.at(-1)?.data.customer_no;
      const more = result.hits.length > 0 && start + result.hits.length < result.total && last !== undefined;
      return {
        items: result.hits.map((h) => fromOcapiCustomer(h.data, attribute)),
        next: more ? { after: last, seen: seen + result.hits.length } : null,
        // What the pages before saw, and what is left from here (the search counts from `after` on).
        total: seen + result.total - start,
      };
    },
  };
}

export type CustomerSearch = ReturnType<typeof createCustomerSearch>;
