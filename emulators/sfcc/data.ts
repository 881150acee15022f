import { type Context, Hono } from 'hono';
import { bearerOf, clientIdOf, type TokenIssuer } from './auth.js';
import type { CustomerRecord, SfccStore } from './store.js';
import { isObject } from './validate.js';
import { documentResponse, faultResponse, OCAPI_VERSION, ocapiNow } from './wire.js';

/**
 * The Data API's `customer_search` on a customer list
 * (`POST /s/-/dw/data/v20_4/customer_lists/{list_id}/customer_search`): the only OCAPI way to
 * list or look customers up. Server-to-server only (Account Manager token + client id).
 */
export function dataApp(deps: { store: SfccStore; issuer: TokenIssuer; customerList: string }): Hono {
  const app = new Hono();

  /** Server-to-server only: the client id, an Account Manager token, a known customer list. */
  const authorize = async (c: Context): Promise<Response | undefined> => {
    const clientId = clientIdOf(c);
    if (!clientId)
      return faultResponse(
        'missingClientId',
        "Missing client id: add the 'client_id' query parameter or the 'x-dw-client-id' header.",
      );
    if (!deps.issuer.client(clientId))
      return faultResponse('unknownClientId', `Unknown client id '${clientId}'.`, { clientId });
    const token = bearerOf(c);
    if (!token)
      return faultResponse('invalidToken', 'An access token is required: add an Authorization:Bearer header.');
    const principal = await deps.issuer.resolve(token, clientId);
    if (principal instanceof Response) return principal;
    if (principal.kind !== 'oauth')
      return faultResponse('clientForbidden', 'The Data API needs an Account Manager token.');
    if (c.req.param('listId') !== deps.customerList) {
      return faultResponse('customerListNotFound', `Customer list '${c.req.param('listId')}' not found.`, {
        customerListId: c.req.param('listId'),
      });
    }
    return undefined;
  };

  /** The customer the path's customer_no names, or its 404 fault. */
  const byNumber = (c: Context): CustomerRecord | Response => {
    const customerNo = c.req.param('customerNo');
    const record = [...deps.store.records.values()].find((r) => r.customer.customer_no === customerNo);
    return (
      record ?? faultResponse('customerNotFound', `No customer with number '${customerNo}' was found.`, { customerNo })
    );
  };

  // Deletes the customer with its addresses (Data API customer_lists resource); orders keep their own copy.
  app.delete('/customer_lists/:listId/customers/:customerNo', async (c) => {
    const refused = await authorize(c);
    if (refused) return refused;
    const record = byNumber(c);
    if (record instanceof Response) return record;
    deps.store.records.delete(record.customer.customer_id);
    return c.body(null, 204);
  });

  // Changes a customer's login (`credentials.login`), the one Data API customer write the gateway uses.
  app.patch('/customer_lists/:listId/customers/:customerNo', async (c) => {
    const refused = await authorize(c);
    if (refused) return refused;
    const record = byNumber(c);
    if (record instanceof Response) return record;
    const body = await c.req.json().catch(() => undefined);
    const login = isObject(body) && isObject(body.credentials) ? body.credentials.login : undefined;
    const extra = isObject(body) ? Object.keys(body).filter((k) => k !== 'credentials' && !k.startsWith('_')) : [];
    if (extra.length > 0)
      return faultResponse('unknownProperty', `Property '${extra[0]}' is not supported by this emulator.`, {
        property: extra[0],
      });
    if (typeof login !== 'string' || login.length === 0 || login.length > 256)
      return faultResponse('invalidLogin', 'The login must be 1 to 256 characters.', { property: 'credentials.login' });
    const holder = deps.store.byLogin(login);
    if (holder && holder !== record) return faultResponse('loginInUse', `The login '${login}' is already in use.`);
    record.customer.login = login;
    record.customer.last_modified = ocapiNow();
    return documentResponse(dataCustomer(record));
  });

  app.post('/customer_lists/:listId/customer_search', async (c) => {
    const refused = await authorize(c);
    if (refused) return refused;
    if (!/^application\/json/i.test(c.req.header('content-type') ?? ''))
      return faultResponse('unsupportedMediaType', 'Use application/json.');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return faultResponse('invalidDocument', 'The request body is not a valid JSON document.');
    }
    if (!isObject(body) || !isObject(body.query))
      return faultResponse('missingParameter', "Property 'query' is required.", { property: 'query' });
    const start = body.start ?? 0;
    const count = body.count ?? 25;
    if (!Number.isInteger(start) || (start as number) < 0)
      return faultResponse('propertyConstraint', "Property 'start' must be a non-negative integer.", {
        property: 'start',
      });
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 200) {
      return faultResponse('propertyConstraint', "Property 'count' must be an integer from 1 to 200.", {
        property: 'count',
      });
    }
    let matched: CustomerRecord[];
    try {
      matchesQuery(body.query, {}); // a malformed query is refused even on an empty list
      matched = [...deps.store.records.values()].filter((r) =>
        matchesQuery(body.query as Record<string, unknown>, searchable(r)),
      );
    } catch (error) {
      return faultResponse('invalidDocument', error instanceof Error ? error.message : 'Invalid query.');
    }
    const sorts =
      Array.isArray(body.sorts) && body.sorts.length > 0
        ? (body.sorts as { field: string; sort_order?: string }[])
        : [{ field: 'customer_no', sort_order: 'asc' }];
    matched.sort((a, b) => {
      for (const sort of sorts) {
        const order = compare(searchable(a)[sort.field], searchable(b)[sort.field]);
        if (order !== 0) return sort.sort_order === 'desc' ? -order : order;
      }
      return compare(a.customer.customer_no, b.customer.customer_no);
    });
    const s = start as number;
    const n = count as number;
    const hits = matched
      .slice(s, s + n)
      .map((r) => ({ _type: 'customer_search_hit', data: dataCustomer(r), relevance: 1 }));
    const result: Record<string, unknown> = {
      _v: OCAPI_VERSION,
      _type: 'customer_search_result',
      count: hits.length,
      hits,
      query: body.query,
      sorts,
      start: s,
      total: matched.length,
    };
    if (s + n < matched.length) result.next = { _type: 'result_page', count: n, start: s + n };
    if (s > 0) result.previous = { _type: 'result_page', count: n, start: Math.max(0, s - n) };
    return documentResponse(result);
  });

  return app;
}

/** A customer as the Data API shows it: login and enabled live under `credentials`. */
export function dataCustomer(record: CustomerRecord): Record<string, unknown> {
  const { login, enabled, auth_type: _authType, ...rest } = structuredClone(record.customer);
  return { _type: 'customer', ...rest, credentials: { _type: 'credentials', enabled, locked: false, login } };
}

/** What a query's fields name: the Data API document's attributes, `credentials.*` by their dotted path. */
const searchable = (record: CustomerRecord): Record<string, unknown> => {
  const { login, enabled, ...rest } = record.customer;
  return { ...rest, 'credentials.login': login, 'credentials.enabled': enabled };
};

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return String(a) < String(b) ? -1 : 1;
}

const same = (field: string, actual: unknown, wanted: unknown) =>
  field === 'email' || field === 'credentials.login'
    ? String(actual ?? '').toLowerCase() === String(wanted).toLowerCase()
    : actual === wanted || (actual !== undefined && String(actual) === String(wanted));

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T|$)/;

function inRange(actual: unknown, spec: Record<string, unknown>): boolean {
  if (actual === undefined || actual === null) return false;
  // Dates (ISO 8601) compare as instants; other strings (a customer_no like "00001234", which
  // Date.parse would take for a year) compare as strings, as the search sorts them.
  const value = (v: unknown) =>
    (typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : v) as number | string;
  const a = value(actual);
  if (spec.from !== undefined) {
    const from = value(spec.from);
    if (spec.from_inclusive === false ? !(a > from) : !(a >= from)) return false;
  }
  if (spec.to !== undefined) {
    const to = value(spec.to);
    if (spec.to_inclusive === false ? !(a < to) : !(a <= to)) return false;
  }
  return true;
}

function termMatches(spec: Record<string, unknown>, doc: Record<string, unknown>, fields: string[]): boolean {
  const values = Array.isArray(spec.values) ? spec.values : [];
  const operator = spec.operator ?? 'is';
  const hit = fields.some((f) => values.some((v) => same(f, doc[f], v)));
  switch (operator) {
    case 'is':
    case 'one_of':
      return hit;
    case 'not_in':
      return !hit;
    default:
      throw new Error(`Operator '${String(operator)}' is not supported.`);
  }
}

/** The Data API search query language, as far as customer lookups need it. */
export function matchesQuery(query: Record<string, unknown>, doc: Record<string, unknown>): boolean {
  const [type, spec] = Object.entries(query)[0] ?? [];
  if (!type || !isObject(spec)) throw new Error('A query needs exactly one query type.');
  switch (type) {
    case 'match_all_query':
      return true;
    case 'term_query':
      return termMatches(spec, doc, Array.isArray(spec.fields) ? (spec.fields as string[]) : []);
    case 'text_query': {
      const phrase = String(spec.search_phrase ?? '').toLowerCase();
      return (Array.isArray(spec.fields) ? (spec.fields as string[]) : []).some((f) =>
        String(doc[f] ?? '')
          .toLowerCase()
          .includes(phrase),
      );
    }
    case 'range_query':
      return inRange(doc[String(spec.field)], spec);
    case 'bool_query': {
      const list = (k: string) => (Array.isArray(spec[k]) ? (spec[k] as Record<string, unknown>[]) : []);
      return (
        list('must').every((q) => matchesQuery(q, doc)) &&
        !list('must_not').some((q) => matchesQuery(q, doc)) &&
        (list('should').length === 0 || list('should').some((q) => matchesQuery(q, doc)))
      );
    }
    case 'filtered_query':
      if (!isObject(spec.query) || !isObject(spec.filter)) throw new Error('A filtered_query needs query and filter.');
      return matchesQuery(spec.query, doc) && matchesFilter(spec.filter, doc);
    default:
      throw new Error(`Query type '${type}' is not supported.`);
  }
}

function matchesFilter(filter: Record<string, unknown>, doc: Record<string, unknown>): boolean {
  const [type, spec] = Object.entries(filter)[0] ?? [];
  if (!type || !isObject(spec)) throw new Error('A filter needs exactly one filter type.');
  switch (type) {
    case 'term_filter':
      return termMatches(spec, doc, [String(spec.field)]);
    case 'range_filter':
      return inRange(doc[String(spec.field)], spec);
    case 'bool_filter': {
      const filters = Array.isArray(spec.filters) ? (spec.filters as Record<string, unknown>[]) : [];
      if (spec.operator === 'or') return filters.some((f) => matchesFilter(f, doc));
      if (spec.operator === 'not') return !filters.some((f) => matchesFilter(f, doc));
      return filters.every((f) => matchesFilter(f, doc));
    }
    case 'query_filter':
      return isObject(spec.query) && matchesQuery(spec.query, doc);
    default:
      throw new Error(`Filter type '${type}' is not supported.`);
  }
}
