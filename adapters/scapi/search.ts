import type { ListCustomersQuery } from '../types.js';
import type { CallContext } from '../types.js';
import { GatewayError } from '../errors.js';
import type { ScapiClient } from './client.js';
import type { CustomerPosition } from './paginate.js';
import { CustomerSearchResultSchema, type ScapiCustomer } from './upstream.js';

type Query = Record<string, unknown>;
const term = (field: string, value: string, operator = 'is'): Query => ({
  termQuery: { fields: [field], operator, values: [value] },
});

/**
 * The customer-search query for a list filter: `termQuery` on `email` and on the external-ref
 * custom attribute, `matchAllQuery` without filters, combined with `boolQuery.must`; a keyset
 * position adds `customerNo greater <after>`. `updatedSince` cannot be expressed: `lastModified`
 * is not among the attributes the Admin Customers search lets a query use.
 */
export function customerQuery(
  filter: Pick<ListCustomersQuery, 'email' | 'externalRef' | 'updatedSince'>,
  externalRefAttribute: string,
  after?: string,
): Query {
  if (filter.updatedSince !== undefined) {
    throw new GatewayError(
      'not_supported',
      'scapi cannot filter customers by updatedSince: the Admin Customers search does not search lastModified; page through all customers and compare updatedAt, or use the sfcc backend (OCAPI Data API range_query on last_modified)',
    );
  }
  const must: Query[] = [];
  if (filter.email !== undefined) must.push(term('email', filter.email));
  if (filter.externalRef !== undefined) must.push(term(externalRefAttribute, filter.externalRef));
  if (after !== undefined) must.push(term('customerNo', after, 'greater'));
  if (must.length === 0) return { matchAllQuery: {} };
  return must.length === 1 ? must[0]! : { boolQuery: { must } };
}

export interface SearchPage {
  customers: ScapiCustomer[];
  total: number;
}

/** One `customer-search` call, sorted by customer number (the keyset order). */
export async function searchCustomers(
  client: ScapiClient,
  ctx: CallContext,
  query: Query,
  at: CustomerPosition,
  limit: number,
): Promise<SearchPage> {
  const result = await client.call(
    ctx,
    {
      api: 'admin',
      method: 'POST',
      path: `customer-lists/${encodeURIComponent(client.options.customerList)}/customer-search`,
      auth: { kind: 'am' },
      json: {
        query,
        sorts: [{ field: 'customerNo', sortOrder: 'asc' }],
        limit,
        offset: 'offset' in at ? at.offset : 0,
      },
      what: 'customer search result',
      errors: {
        kind: 'customer',
        notFound: 'scapi does not know the configured customer list (check SCAPI_CUSTOMER_LIST)',
      },
    },
    CustomerSearchResultSchema,
  );
  return { customers: result.hits.map((h) => h.data), total: result.total };
}

/** The customer holding an external reference, if any (exact match checked, not trusted to the index). */
export async function findByExternalRef(
  client: ScapiClient,
  ctx: CallContext,
  externalRef: string,
): Promise<ScapiCustomer | undefined> {
  const attribute = client.options.externalRefAttribute;
  const page = await searchCustomers(client, ctx, term(attribute, externalRef), { offset: 0 }, 2);
  return page.customers.find((c) => c[attribute] === externalRef);
}
