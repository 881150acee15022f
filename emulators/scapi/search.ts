import type { ScapiCustomer } from './store.js';

/**
 * The Admin Customers `customer-search` query language, as far as the customer list needs it:
 * matchAllQuery, termQuery (is, one_of, is_null, is_not_null, less, greater, neq, not_in),
 * textQuery, boolQuery and filteredQuery with term / range / bool filters, over the searchable
 * attributes the spec lists plus `c_*` custom attributes.
 */

export const SEARCHABLE = new Set([
  'customerNo',
  'firstName',
  'secondName',
  'lastName',
  'suffix',
  'salutation',
  'title',
  'fax',
  'phoneHome',
  'phoneBusiness',
  'phoneMobile',
  'email',
  'gender',
  'companyName',
  'credentials.login',
  'credentials.enabled',
]);
/** offset + limit beyond this is refused: the search service's result window (emulator choice, see docs/backends/scapi.md). */
export const SEARCH_WINDOW = 10_000;

export class QueryError extends Error {}

type Node = Record<string, any>;

function field(customer: ScapiCustomer, name: string): unknown {
  if (!SEARCHABLE.has(name) && !/^c_[A-Za-z][A-Za-z0-9_]*$/.test(name))
    throw new QueryError(`The field '${name}' is not searchable.`);
  if (name.startsWith('credentials.')) return customer.credentials[name.slice(12) as 'login' | 'enabled'];
  return customer[name];
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
const compare = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));

function term(value: unknown, operator: string, values: unknown[]): boolean {
  const v = lower(value);
  const vs = values.map(lower);
  switch (operator) {
    case 'is':
      if (vs.length !== 1) throw new QueryError("The operator 'is' takes exactly one value.");
      return v === vs[0];
    case 'one_of':
      return vs.includes(v);
    case 'not_in':
      return !vs.includes(v);
    case 'neq':
      return v !== vs[0];
    case 'is_null':
      return value === undefined || value === null;
    case 'is_not_null':
      return value !== undefined && value !== null;
    case 'greater':
      return value !== undefined && compare(value, values[0]) > 0;
    case 'less':
      return value !== undefined && compare(value, values[0]) < 0;
    default:
      throw new QueryError(`Unknown operator '${operator}'.`);
  }
}

function filter(node: Node, c: ScapiCustomer): boolean {
  const [kind, f] = Object.entries(node ?? {})[0] ?? [];
  if (Object.keys(node ?? {}).length !== 1) throw new QueryError('A filter must have exactly one property.');
  switch (kind) {
    case 'termFilter':
      return term(field(c, f.field), f.operator, f.values ?? []);
    case 'rangeFilter': {
      const v = field(c, f.field);
      if (v === undefined) return false;
      const lo =
        f.from === undefined || compare(v, f.from) > 0 || (f.fromInclusive !== false && compare(v, f.from) === 0);
      const hi = f.to === undefined || compare(v, f.to) < 0 || (f.toInclusive !== false && compare(v, f.to) === 0);
      return lo && hi;
    }
    case 'queryFilter':
      return matches(f.query, c);
    case 'boolFilter': {
      const results = (f.filters ?? []).map((x: Node) => filter(x, c));
      return f.operator === 'or'
        ? results.some(Boolean)
        : f.operator === 'not'
          ? !results.some(Boolean)
          : results.every(Boolean);
    }
    default:
      throw new QueryError(`Unknown filter '${String(kind)}'.`);
  }
}

/** Whether a customer matches a query; throws QueryError for a query the service refuses. */
export function matches(query: Node, c: ScapiCustomer): boolean {
  if (typeof query !== 'object' || query === null || Object.keys(query).length !== 1)
    throw new QueryError('A query must have exactly one property.');
  const [kind, q] = Object.entries(query)[0]!;
  switch (kind) {
    case 'matchAllQuery':
      return true;
    case 'termQuery':
      if (!Array.isArray(q.fields) || q.fields.length === 0) throw new QueryError('termQuery needs fields.');
      return q.fields.some((name: string) => term(field(c, name), q.operator, q.values ?? []));
    case 'textQuery':
      return q.fields.some((name: string) =>
        String(field(c, name) ?? '')
          .toLowerCase()
          .includes(String(q.searchPhrase).toLowerCase()),
      );
    case 'boolQuery':
      return (
        (q.must ?? []).every((x: Node) => matches(x, c)) &&
        ((q.should ?? []).length === 0 || q.should.some((x: Node) => matches(x, c))) &&
        !(q.mustNot ?? []).some((x: Node) => matches(x, c))
      );
    case 'filteredQuery':
      return matches(q.query, c) && filter(q.filter, c);
    default:
      throw new QueryError(`Unknown query '${kind}'.`);
  }
}

/** Sorts by the request's sort clauses (default: customerNo ascending). */
export function sortCustomers(
  list: ScapiCustomer[],
  sorts: { field: string; sortOrder?: string }[] | undefined,
): ScapiCustomer[] {
  const clauses = sorts && sorts.length > 0 ? sorts : [{ field: 'customerNo', sortOrder: 'asc' }];
  return [...list].sort((a, b) => {
    for (const s of clauses) {
      const d = compare(field(a, s.field) ?? '', field(b, s.field) ?? '');
      if (d !== 0) return s.sortOrder === 'desc' ? -d : d;
    }
    return 0;
  });
}
