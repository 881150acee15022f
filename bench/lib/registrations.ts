import type autocannon from 'autocannon';

/**
 * autocannon options that POST a new registration per request (`<tag>-<n>@example.org`), for the
 * tools that load `/v1/customers` with registrations rather than reads.
 */
export function registrations(tag: string) {
  let registered = 0;
  return {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          body: JSON.stringify({ email: `${tag}-${++registered}@example.org`, lastName: 'Bench' }),
        }),
      },
    ],
  };
}
