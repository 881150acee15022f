import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import { type ClockReading, diagnosingFetch, skewOf } from '../../src/doctor/clock.js';
import { classifyTransportFailure } from '../../transport/failure.js';

const fetchFailed = (cause: unknown) =>
  new GatewayError('upstream_unavailable', 'x could not be reached', {
    cause: new TypeError('fetch failed', { cause }),
  });
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyTransportFailure', () => {
  it('reads the code undici and Node leave in the cause chain', () => {
    expect(classifyTransportFailure(fetchFailed(coded('ENOTFOUND')))?.kind).toBe('dns');
    // Node tries every address of a host (IPv6 and IPv4): an AggregateError of refusals.
    const both = Object.assign(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]), {
      code: 'ECONNREFUSED',
    });
    expect(classifyTransportFailure(fetchFailed(both))?.kind).toBe('refused');
    expect(classifyTransportFailure(fetchFailed(coded('UND_ERR_SOCKET', 'other side closed')))?.kind).toBe('reset');
    expect(classifyTransportFailure(fetchFailed(coded('UND_ERR_CONNECT_TIMEOUT')))?.kind).toBe('timeout');
    expect(classifyTransportFailure(new DOMException('The operation timed out.', 'TimeoutError'))?.kind).toBe(
      'timeout',
    );
    const expired = classifyTransportFailure(fetchFailed(coded('CERT_HAS_EXPIRED')));
    expect(expired).toMatchObject({ kind: 'tls', detail: 'TLS failed: the server certificate has expired' });
    expect(classifyTransportFailure(fetchFailed(coded('ERR_TLS_CERT_ALTNAME_INVALID')))?.kind).toBe('tls');
    expect(classifyTransportFailure(new GatewayError('not_found', 'no customer'))).toBeUndefined();
  });
});

describe('clock skew', () => {
  it("reads the Date header and a JWT access token's iat; only a skew over 30 s counts", async () => {
    const inFiveMinutes = Math.floor(Date.now() / 1000) + 300;
    const token = await new SignJWT({})
      .setIssuedAt(inFiveMinutes)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new Uint8Array(32));
    const upstream = (async () =>
      Response.json(
        { access_token: token, expires_in: 1800 },
        { headers: { date: new Date(Date.now() + 10_000).toUTCString() } },
      )) as unknown as typeof fetch;
    const reading: ClockReading = {};
    await diagnosingFetch(upstream, reading)('https://am.example/token');
    // A Date header counts whole seconds: up to 1 s off, and room for a slow machine.
    expect(Math.abs(reading.dateSkewSeconds! - 10)).toBeLessThanOrEqual(2);
    expect(Math.abs(reading.tokenSkewSeconds! - 300)).toBeLessThanOrEqual(2);
    expect(skewOf(reading)).toMatchObject({ source: "its access token's iat" });
    expect(skewOf({ dateSkewSeconds: -20 })).toBeUndefined();
    expect(skewOf({ dateSkewSeconds: -45 })).toEqual({ seconds: -45, source: 'its Date header' });
  });

  it('ends a call on its first failed connection, with the cause kept', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed', { cause: coded('ECONNREFUSED') });
    }) as unknown as typeof fetch;
    const error = await diagnosingFetch(down, {})('http://x.test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(classifyTransportFailure(error)?.kind).toBe('refused');
  });
});
