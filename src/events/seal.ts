import type { CustomerEvent, CustomerEventData } from '../../schemas/index.js';
import type { SharedStore } from '../store/types.js';
import { webhookSecretKey } from './config.js';
import { idsOnly } from './model.js';

/**
 * How long a sealed secret can be opened at most: the life of the one secret there is, a
 * password reset token (src/accounts/reset-tokens.ts, RESET_TOKEN_MS). An undelivered token is
 * useless after that, so its event is dead-lettered without it.
 */
export const SEALED_FOR_MS = 30 * 60_000;

const INFO = 'customer-gateway sealed event data v1';
const saltKey = (eventId: string) => `events:seal:${eventId}`;
const pendingKey = (eventId: string) => `events:seal:${eventId}:pending`;
const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
type Bytes = Uint8Array<ArrayBuffer>;
const fromBase64 = (text: string): Bytes => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/**
 * Secret-bearing event data (the reset token) is never in the shared store in clear: the outbox
 * keeps the event with its ids only, and the data sealed with AES-256-GCM under a key derived by
 * HKDF-SHA256 from the first WEBHOOK_SECRET (which is not in the store) and a random salt per
 * event (which is, for SEALED_FOR_MS). Only a signed sink's lane opens it, just before signing.
 * Once every signed sink has taken the event, or SEALED_FOR_MS has passed, the salt is gone and
 * the sealed data cannot be opened by anyone, WEBHOOK_SECRET or not (crypto-shredding: the
 * append-only outbox keeps the ciphertext until its retention, unreadable). WebCrypto only: the
 * same on Node and Workers.
 */
export function createSealer(store: SharedStore, options: { secrets: string[]; signedSinks: string[] }) {
  if (options.secrets.length === 0 || options.signedSinks.length === 0)
    throw new RangeError('sealing needs a webhook secret and a signed sink');
  // Every secret of a rotation opens; the first seals.
  const bases = options.secrets.map((secret) =>
    crypto.subtle.importKey('raw', webhookSecretKey(secret), 'HKDF', false, ['deriveKey']),
  );
  const keyOf = async (base: Promise<CryptoKey>, salt: Bytes, eventId: string) =>
    crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(`${INFO}\n${eventId}`) },
      await base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  const shred = async (eventId: string) => {
    await store.delete(saltKey(eventId));
    await store.delete(pendingKey(eventId));
  };

  return {
    /** The event as the outbox keeps it (ids only) and its data, sealed (`<iv>.<ciphertext>`, base64). */
    async seal(event: CustomerEvent): Promise<{ event: CustomerEvent; sealed: string }> {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const key = await keyOf(bases[0]!, salt, event.id);
      const plain = encoder.encode(JSON.stringify(event.data));
      const cipher = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(event.id) },
        key,
        plain,
      );
      await store.set(saltKey(event.id), toBase64(salt), SEALED_FOR_MS);
      for (const sink of options.signedSinks) await store.addToSet(pendingKey(event.id), sink, SEALED_FOR_MS);
      return {
        event: { ...event, data: idsOnly(event.data) },
        sealed: `${toBase64(iv)}.${toBase64(new Uint8Array(cipher))}`,
      };
    },

    /** The event with its data again; undefined once it cannot be opened any more (delivered everywhere, or too old). */
    async open(event: CustomerEvent, sealed: string): Promise<CustomerEvent | undefined> {
      const salt = await store.get(saltKey(event.id));
      if (salt === undefined) return undefined;
      const [iv, cipher] = sealed.split('.').map(fromBase64) as [Bytes, Bytes];
      for (const base of bases) {
        try {
          const key = await keyOf(base, fromBase64(salt), event.id);
          const plain = await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv, additionalData: encoder.encode(event.id) },
            key,
            cipher,
          );
          return { ...event, data: JSON.parse(new TextDecoder().decode(plain)) as CustomerEventData };
        } catch {
          // Sealed under another secret of the rotation (or one rotated away).
        }
      }
      return undefined;
    },

    /** A signed sink took the event: once every one has, nobody can open it again. */
    async delivered(eventId: string, sink: string): Promise<void> {
      await store.removeFromSet(pendingKey(eventId), sink);
      if ((await store.setMembers(pendingKey(eventId))).length === 0) await shred(eventId);
    },

    /** Nobody can open it again (its customer was erased). */
    shred,
  };
}

export type Sealer = ReturnType<typeof createSealer>;
