import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose';
import { GatewayError } from '../../adapters/errors.js';
import type { SigningKey } from '../env.js';

/** Access tokens live 15 minutes: short enough that a stolen one is worth little. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
const ISSUER = 'customer-gateway';
const AUDIENCE = 'customer-gateway:me';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  /** The customer's native id on `backend`. */
  sub: string;
  backend: string;
  /** The session (refresh-token family) the token belongs to. */
  sid: string;
}

const unauthorized = (detail: string) => new GatewayError('unauthorized', detail);

/**
 * Signs and checks the gateway's shopper access tokens (JWT, HS256). Every token names the key it
 * was signed with (`kid`): the first configured key signs, all of them verify, so a new key can be
 * put first and the old one dropped after 15 minutes without ending anyone's session.
 */
export function createTokenSigner(keys: SigningKey[]) {
  if (keys.length === 0) throw new Error('at least one signing key is needed');
  const encoder = new TextEncoder();
  const secrets = new Map(keys.map((k) => [k.kid, encoder.encode(k.secret)]));
  const signing = keys[0]!;

  return {
    async sign(claims: AccessClaims): Promise<string> {
      return new SignJWT({ backend: claims.backend, sid: claims.sid })
        .setProtectedHeader({ alg: ALGORITHM, kid: signing.kid, typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
        .sign(secrets.get(signing.kid)!);
    },

    /** The claims of a valid token, or 401 saying why (never echoing the token). */
    async verify(token: string): Promise<AccessClaims> {
      try {
        const { payload } = await jwtVerify(
          token,
          (header: JWTHeaderParameters) => {
            const secret = header.kid === undefined ? undefined : secrets.get(header.kid);
            if (!secret) throw unauthorized('the access token was signed with a key this gateway does not hold');
            return secret;
          },
          { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM] },
        );
        const { sub, backend, sid } = payload;
        if (typeof sub !== 'string' || typeof backend !== 'string' || typeof sid !== 'string')
          throw unauthorized('the access token lacks its claims');
        return { sub, backend, sid };
      } catch (error) {
        if (error instanceof GatewayError) throw error;
        if (error instanceof errors.JWTExpired)
          throw unauthorized('the access token has expired; refresh it with POST /v1/auth/refresh');
        throw unauthorized('the access token is not valid');
      }
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;
