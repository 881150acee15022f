import { GatewayError } from '../../adapters/errors.js';
import { sha256Hex } from '../digest.js';
import { deleteIndexed } from '../store/indexed.js';
import type { SharedStore } from '../store/types.js';

/** A reset token is good for 30 minutes and one use. */
export const RESET_TOKEN_MS = 30 * 60_000;
/** 32 random bytes, base64url: 256 bits. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What the store keeps per token, under the token's digest (never the token itself). */
interface ResetRecord {
  backend: string;
  customerId: string;
  /** Digest of the email the token was sent to: a token stops working when the email changes. */
  emailDigest: string;
  issuedAt: number;
}

export interface RedeemedToken {
  backend: string;
  customerId: string;
  /** Whether the customer's current email is the one the token was sent to. */
  sentTo(email: string): Promise<boolean>;
  /** The password could not be set (the platform refused it, or failed): the token is good again. */
  giveBack(): Promise<void>;
}

/** The one answer to every token that cannot be used, whatever the reason. */
export const invalidToken = () =>
  new GatewayError(
    'validation_failed',
    'the password reset token is not valid (used, expired or never issued); request a new one',
    { errors: [{ path: 'token', message: 'not valid' }] },
  );

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const enc = encodeURIComponent;
const tokenKey = (digest: string) => `password-reset:token:${digest}`;
const indexKey = (backend: string, customerId: string) =>
  `password-reset:by-customer:${enc(backend)}:${enc(customerId)}`;
const revokedKey = (backend: string, customerId: string) => `password-reset:revoked:${enc(backend)}:${enc(customerId)}`;
const emailDigest = (email: string) => sha256Hex(`password-reset\n${email.toLowerCase()}`);

/**
 * Password reset tokens in the shared store: random (256 bits), only their SHA-256 digest stored,
 * good for 30 minutes and one use (redeeming deletes the record atomically, so of two concurrent
 * confirmations one wins), and revoked all at once for a customer (after a reset, on erasure).
 */
export function createResetTokens(store: SharedStore, now: () => number = Date.now) {
  return {
    async issue(backend: string, customerId: string, email: string): Promise<{ token: string; expiresAt: string }> {
      const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
      const digest = await sha256Hex(token);
      const record: ResetRecord = { backend, customerId, emailDigest: await emailDigest(email), issuedAt: now() };
      await store.set(tokenKey(digest), JSON.stringify(record), RESET_TOKEN_MS);
      await store.addToSet(indexKey(backend, customerId), digest, RESET_TOKEN_MS);
      return { token, expiresAt: new Date(record.issuedAt + RESET_TOKEN_MS).toISOString() };
    },

    /** Takes the token out of the store (it is used now), or the one 400 for every unusable token. */
    async redeem(token: string): Promise<RedeemedToken> {
      if (!TOKEN.test(token)) throw invalidToken();
      const key = tokenKey(await sha256Hex(token));
      const text = await store.get(key);
      if (text === undefined || !(await store.deleteIfEquals(key, text))) throw invalidToken();
      const record = JSON.parse(text) as ResetRecord;
      const revokedAt = Number((await store.get(revokedKey(record.backend, record.customerId))) ?? 0);
      if (record.issuedAt <= revokedAt) throw invalidToken();
      return {
        backend: record.backend,
        customerId: record.customerId,
        sentTo: async (email) => (await emailDigest(email)) === record.emailDigest,
        giveBack: async () => {
          const left = record.issuedAt + RESET_TOKEN_MS - now();
          if (left > 0) await store.set(key, text, left);
        },
      };
    },

    /** Every token issued to the customer until now stops working; answers how many were still out. */
    async revokeAll(backend: string, customerId: string): Promise<number> {
      await store.set(revokedKey(backend, customerId), String(now()), RESET_TOKEN_MS);
      return deleteIndexed(store, indexKey(backend, customerId), tokenKey);
    },
  };
}

export type ResetTokens = ReturnType<typeof createResetTokens>;
