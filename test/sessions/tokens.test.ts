import { decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../adapters/errors.js';
import { createTokenSigner } from '../../src/sessions/tokens.js';
import { buildGateway } from '../conformance/harness.js';

const OLD = { kid: '2025-old', secret: 'old-secret-0123456789abcdefghijklmnopqrstuv' };
const NEW = { kid: '2026-new', secret: 'new-secret-0123456789abcdefghijklmnopqrstuv' };
const claims = { sub: '00042', backend: 'memory', sid: 's'.repeat(24) };

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isGatewayError(error) && error.code).toBe('unauthorized');
  return (error as Error).message;
};

describe('access tokens and signing-key rotation (SESSION_SIGNING_KEYS)', () => {
  it('lives 15 minutes, names its key, carries the customer, backend and session', async () => {
    const token = await createTokenSigner([OLD]).sign(claims);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: OLD.kid });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload.exp - payload.iat).toBe(900);
    expect(await createTokenSigner([OLD]).verify(token)).toEqual(claims);
  });

  it('a new key put first signs new tokens while tokens of the old key keep working; dropping the old key ends them', async () => {
    const before = await createTokenSigner([OLD]).sign(claims);
    const rotated = createTokenSigner([NEW, OLD]);
    expect(await rotated.verify(before)).toEqual(claims);
    const after = await rotated.sign(claims);
    expect(decodeProtectedHeader(after).kid).toBe(NEW.kid);
    const dropped = createTokenSigner([NEW]);
    expect(await dropped.verify(after)).toEqual(claims);
    expect(await refusal(dropped.verify(before))).toContain('key');
  });

  it('refuses expired tokens, tokens without kid, and a key id pointing at another key', async () => {
    const key = new TextEncoder().encode(OLD.secret);
    const base = () =>
      new SignJWT({ backend: 'memory', sid: claims.sid })
        .setSubject(claims.sub)
        .setIssuer('customer-gateway')
        .setAudience('customer-gateway:me');
    const expired = await base()
      .setProtectedHeader({ alg: 'HS256', kid: OLD.kid })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 2000)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1000)
      .sign(key);
    expect(await refusal(createTokenSigner([OLD]).verify(expired))).toContain('expired');
    const noKid = await base().setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(key);
    await refusal(createTokenSigner([OLD]).verify(noKid));
    const wrongKid = await base().setProtectedHeader({ alg: 'HS256', kid: NEW.kid }).setExpirationTime('5m').sign(key);
    await refusal(createTokenSigner([OLD, NEW]).verify(wrongKid));
  });

  it('zero config: sessions work on a key made at start, and the log says SESSION_SIGNING_KEYS is unset', async () => {
    const lines: string[] = [];
    const gw = buildGateway('memory', { BACKENDS: 'memory' }, lines);
    expect(lines.join('\n')).toMatch(/"level":"?(warn|40)"?.*SESSION_SIGNING_KEYS is unset/);
    await gw.call('POST', '/v1/customers', {
      email: 'zero@example.com',
      lastName: 'Zero',
      password: 'Str0ng!Passw0rd',
    });
    const session = await gw.call('POST', '/v1/auth/login', { email: 'zero@example.com', password: 'Str0ng!Passw0rd' });
    expect(decodeProtectedHeader(session.body.accessToken).kid).toMatch(/^ephemeral-/);
    expect(
      (await gw.call('GET', '/v1/me', undefined, { authorization: `Bearer ${session.body.accessToken}` })).status,
    ).toBe(200);
  });
});
