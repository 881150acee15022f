import { decodeJwt } from 'jose';
import { GatewayError } from '../../adapters/errors.js';

/**
 * Past this, the upstream's clock and ours disagree enough to matter: token lifetimes are counted
 * on this machine, and a JWT's `iat`/`exp` on the issuer's.
 */
export const CLOCK_SKEW_LIMIT_S = 30;

/** What one backend's answers said about its clock. */
export interface ClockReading {
  /** Upstream minus local, seconds, from the largest skew seen in a `Date` header. */
  dateSkewSeconds?: number;
  /** Issued-at minus local, seconds, of an access token that is a JWT. */
  tokenSkewSeconds?: number;
}

/** The bigger of the two readings, when over the limit. */
export function skewOf(reading: ClockReading): { seconds: number; source: string } | undefined {
  const candidates = [
    { seconds: reading.dateSkewSeconds, source: 'its Date header' },
    { seconds: reading.tokenSkewSeconds, source: "its access token's iat" },
  ].filter((c): c is { seconds: number; source: string } => c.seconds !== undefined);
  const worst = candidates.sort((a, b) => Math.abs(b.seconds) - Math.abs(a.seconds))[0];
  return worst && Math.abs(worst.seconds) > CLOCK_SKEW_LIMIT_S ? worst : undefined;
}

const bigger = (a: number | undefined, b: number) => (a === undefined || Math.abs(b) > Math.abs(a) ? b : a);

/** An access token in a JSON answer, if it is a JWT with an `iat`. */
async function tokenIssuedAt(response: Response): Promise<number | undefined> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return undefined;
  try {
    const body = JSON.parse(await response.clone().text()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token.split('.').length !== 3) return undefined;
    const { iat } = decodeJwt(body.access_token);
    return typeof iat === 'number' ? iat : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The doctor's upstream fetch for one backend: it reads every answer's clock into `reading`, and
 * a connection that fails ends the call at once (a GatewayError carrying the cause, which the
 * upstream client does not retry): the doctor reports the first failure instead of waiting out
 * the retries.
 */
export function diagnosingFetch(fetch: typeof globalThis.fetch, reading: ClockReading): typeof globalThis.fetch {
  const wrapped = (async (input: RequestInfo | URL, init?: RequestInit) => {
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError('upstream_unavailable', 'the upstream could not be reached', { cause: error });
    }
    const now = Date.now();
    const date = Date.parse(response.headers.get('date') ?? '');
    if (!Number.isNaN(date)) reading.dateSkewSeconds = bigger(reading.dateSkewSeconds, Math.round((date - now) / 1000));
    const iat = await tokenIssuedAt(response);
    if (iat !== undefined) reading.tokenSkewSeconds = bigger(reading.tokenSkewSeconds, Math.round(iat - now / 1000));
    return response;
  }) as typeof globalThis.fetch;
  return wrapped;
}
