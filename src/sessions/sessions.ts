import { GatewayError } from '../../adapters/errors.js';
import type { Log } from '../../adapters/types.js';
import { sha256Hex } from '../digest.js';
import type { SharedStore } from '../store/types.js';
import { ACCESS_TOKEN_SECONDS, type AccessClaims, type TokenSigner } from './tokens.js';

/** A session (refresh-token family) lasts 30 days from its login, however often it is refreshed. */
export const SESSION_MS = 30 * 24 * 3600 * 1000;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  customerId: string;
}

/** What never changes in a session; written once, so deleting it ends the session for good. */
interface Family {
  sub: string;
  backend: string;
  createdAt: number;
}

/** Written by a password change: sessions started before `at` end, except the one that changed it. */
interface EndedBefore {
  at: number;
  keep: string;
}

const invalidRefresh = () =>
  new GatewayError('unauthorized', 'the refresh token is not valid (expired, logged out or revoked); log in again');
const ended = () => new GatewayError('unauthorized', 'this session has ended; log in again');

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomId = (size: number) => base64url(crypto.getRandomValues(new Uint8Array(size)));
const digest = (text: string) => sha256Hex(text);

const familyKey = (sid: string) => `session:family:${sid}`;
/** The digest of the session's current refresh token, under its generation (the key instances of the version before read too). */
const generationKey = (sid: string, generation: number) => `session:generation:${sid}:${generation}`;
/**
 * The session's spent refresh tokens, as digests, in one set: one key per session however often it
 * is refreshed. (The version before kept two keys per refresh: a digest and a used mark.)
 */
const spentKey = (sid: string) => `session:spent:${sid}`;
/**
 * The used mark the version before wrote per generation. Still read: a token it saw used is a
 * replay here too. The marks lapse with their sessions, 30 days after the last instance of that
 * version stopped; then this read can go.
 */
const legacyUsedKey = (sid: string, generation: number) => `session:used:${sid}:${generation}`;
/** Of a spent token's SHA-256 digest, the first 128 bits: enough to recognise it, half the bytes kept. */
const SPENT_DIGEST_CHARS = 32;
const endedKey = (backend: string, sub: string) =>
  `session:ended:${encodeURIComponent(backend)}:${encodeURIComponent(sub)}`;
/** The customer's sessions (for the export and the erasure); a session also leaves it when it is found gone. */
const indexKey = (backend: string, sub: string) =>
  `session:by-customer:${encodeURIComponent(backend)}:${encodeURIComponent(sub)}`;
/** When the session last signed in or refreshed (ms). */
const lastUsedKey = (sid: string) => `session:last-used:${sid}`;

/** A live session as the customer's export shows it: no tokens, no session id. */
export interface SessionInfo {
  startedAt: number;
  lastUsedAt: number;
  sid: string;
}

/** `<sid>.<generation>.<secret>`; only the secret's digest is stored. */
function parseRefreshToken(token: string): { sid: string; generation: number } {
  const match = /^([A-Za-z0-9_-]{16,64})\.(\d{1,9})\.[A-Za-z0-9_-]{32,128}$/.exec(token);
  if (!match) throw invalidRefresh();
  return { sid: match[1]!, generation: Number(match[2]) };
}

/**
 * Shopper sessions over the shared store, so every gateway instance sees the same logins, logouts
 * and revocations. Refresh tokens rotate: each one is good for exactly one refresh; presenting a
 * used one again (a stolen copy, or its thief's) ends the whole session.
 */
export function createSessions(deps: { store: SharedStore; signer: TokenSigner; log: Log; now?: () => number }) {
  const { store, signer } = deps;
  const now = deps.now ?? Date.now;
  const remaining = (family: Family) => family.createdAt + SESSION_MS - now();

  const readFamily = async (sid: string): Promise<Family | undefined> => {
    const text = await store.get(familyKey(sid));
    return text === undefined ? undefined : (JSON.parse(text) as Family);
  };

  /** Whether a password change since the session began has ended it. */
  const endedByPasswordChange = async (sid: string, family: Family) => {
    const text = await store.get(endedKey(family.backend, family.sub));
    if (text === undefined) return false;
    const endedBefore = JSON.parse(text) as EndedBefore;
    // Strictly before: a sign-in in the very millisecond after the change (a reset, then the new
    // password at once) is the new access, not one the change ended.
    return family.createdAt < endedBefore.at && sid !== endedBefore.keep;
  };

  const issue = async (sid: string, generation: number, family: Family): Promise<TokenPair> => {
    const refreshToken = `${sid}.${generation}.${randomId(32)}`;
    await store.set(generationKey(sid, generation), await digest(refreshToken), remaining(family));
    await store.set(lastUsedKey(sid), String(now()), remaining(family));
    const accessToken = await signer.sign({ sub: family.sub, backend: family.backend, sid });
    return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_SECONDS, customerId: family.sub };
  };

  /**
   * After a password change: every session of the customer started before now ends, but `keep`
   * (the one that changed it); one started in this very millisecond is taken for a sign-in with the
   * new password. `closed`: the account itself ended (a delete, a deactivation, an erasure), so the
   * sessions of this millisecond end too. A session's start is when it was created, after the
   * platform checked the password: a sign-in checked before the change and created after it is not
   * ended by it.
   */
  const endSessions = async (backend: string, sub: string, keep = '', closed = false): Promise<void> => {
    const record: EndedBefore = { at: now() + (closed ? 1 : 0), keep };
    await store.set(endedKey(backend, sub), JSON.stringify(record), SESSION_MS);
  };

  /** A session that may still be used: not expired, nor ended by a password change. */
  const isAlive = async (sid: string, family: Family): Promise<boolean> =>
    remaining(family) > 0 && !(await endedByPasswordChange(sid, family));

  /**
   * Ends the session for good (its record goes first) and lets go of what the store kept of it:
   * its place in the customer's index, its last use, its spent tokens. The current token's digest
   * lapses with the session where its generation is not known here.
   */
  const forget = async (sid: string, index?: { backend: string; sub: string }) => {
    await store.delete(familyKey(sid));
    if (index) await store.removeFromSet(indexKey(index.backend, index.sub), sid);
    await store.delete(lastUsedKey(sid));
    await store.delete(spentKey(sid));
  };

  /** A spent refresh token presented again (a stolen copy, or the client after the thief): the session ends. */
  const revoked = async (sid: string, family: Family) => {
    await forget(sid, family);
    deps.log.warn(
      { session: sid, backend: family.backend },
      'a used refresh token was presented again: session revoked',
    );
    return new GatewayError(
      'unauthorized',
      'this refresh token was already used; the session is revoked, log in again',
    );
  };

  /** The customer's live sessions, oldest first (dead ones leave the index as they are found). */
  const list = async (backend: string, sub: string): Promise<SessionInfo[]> => {
    const alive: SessionInfo[] = [];
    for (const sid of await store.setMembers(indexKey(backend, sub))) {
      const family = await readFamily(sid);
      if (!family || !(await isAlive(sid, family))) {
        // Dead either way: what is left of it goes now, not only when it expires.
        await forget(sid, { backend, sub });
        continue;
      }
      const lastUsedAt = Number((await store.get(lastUsedKey(sid))) ?? family.createdAt);
      alive.push({ sid, startedAt: family.createdAt, lastUsedAt });
    }
    return alive.sort((a, b) => a.startedAt - b.startedAt);
  };

  return {
    async start(sub: string, backend: string): Promise<TokenPair> {
      const sid = randomId(18);
      const family: Family = { sub, backend, createdAt: now() };
      await store.set(familyKey(sid), JSON.stringify(family), SESSION_MS);
      await store.addToSet(indexKey(backend, sub), sid, SESSION_MS);
      return issue(sid, 0, family);
    },

    /**
     * `assertBackend` throws when the caller may not use a session of this backend (an API key
     * limited to others). `maySignIn` asks the platform whether the customer still may sign in:
     * a customer deleted or deactivated there, not through the gateway, loses the session at its
     * next refresh (its access token lapses within 15 minutes). Asked before the token is used
     * up, so a platform that cannot answer (an error) leaves the token good for a retry.
     */
    async refresh(
      refreshToken: string,
      assertBackend?: (backend: string) => void,
      maySignIn?: (backend: string, sub: string) => Promise<boolean>,
    ): Promise<TokenPair> {
      const { sid, generation } = parseRefreshToken(refreshToken);
      const family = await readFamily(sid);
      if (!family || !(await isAlive(sid, family))) throw invalidRefresh();
      assertBackend?.(family.backend);
      const presented = await digest(refreshToken);
      const spent = presented.slice(0, SPENT_DIGEST_CHARS);
      if ((await store.get(generationKey(sid, generation))) !== presented) {
        // Not the current token: one this session spent is a replay; anything else was never issued.
        if ((await store.setMembers(spentKey(sid))).includes(spent)) throw await revoked(sid, family);
        throw invalidRefresh();
      }
      if ((await store.get(legacyUsedKey(sid, generation))) !== undefined) throw await revoked(sid, family);
      if (maySignIn && !(await maySignIn(family.backend, family.sub))) {
        await forget(sid, family);
        deps.log.info(
          { session: sid, backend: family.backend },
          'session ended at refresh: the platform no longer lets the customer sign in',
        );
        throw ended();
      }
      // Spent before it is taken, so that whoever presents it from here on finds it spent. Taking
      // it is atomic: of two refreshes with the same token exactly one wins, the other is a replay.
      await store.addToSet(spentKey(sid), spent, remaining(family));
      if (!(await store.deleteIfEquals(generationKey(sid, generation), presented))) throw await revoked(sid, family);
      return issue(sid, generation + 1, family);
    },

    /** Ends the token's session; an unknown or stale token changes nothing (logout is idempotent). */
    async end(refreshToken: string, assertBackend?: (backend: string) => void): Promise<void> {
      const { sid, generation } = parseRefreshToken(refreshToken);
      if ((await store.get(generationKey(sid, generation))) !== (await digest(refreshToken))) return;
      const family = await readFamily(sid);
      if (family) assertBackend?.(family.backend);
      // Out of the customer's index, its last use and its tokens now, not when the session would have
      // expired: a sign-in and logout every minute (a synthetic check) grew the index by 43,000 a month.
      await forget(sid, family);
      await store.delete(generationKey(sid, generation));
    },

    /** The claims of an access token whose session is still alive, else 401. */
    async verifyAccess(accessToken: string): Promise<AccessClaims> {
      const claims = await signer.verify(accessToken);
      const family = await readFamily(claims.sid);
      if (!family || family.sub !== claims.sub || family.backend !== claims.backend) throw ended();
      if (await endedByPasswordChange(claims.sid, family)) throw ended();
      return claims;
    },

    list,

    /** Erasure: every session of the customer ends and what the store kept about them goes; answers how many were alive. */
    async eraseAll(backend: string, sub: string): Promise<number> {
      let alive = 0;
      for (const sid of await store.setMembers(indexKey(backend, sub))) {
        const family = await readFamily(sid);
        if (family && (await isAlive(sid, family))) alive++;
        await forget(sid);
      }
      await store.delete(indexKey(backend, sub));
      // Sessions the index does not know (begun before it existed) end too: the end marker holds
      // only a time and the customer's id, and lapses with the longest session. The account closes.
      await endSessions(backend, sub, '', true);
      return alive;
    },

    endSessions,
  };
}

export type Sessions = ReturnType<typeof createSessions>;
