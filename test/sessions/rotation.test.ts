import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../adapters/errors.js';
import { sha256Hex } from '../../src/digest.js';
import { createSessions } from '../../src/sessions/sessions.js';
import { createTokenSigner } from '../../src/sessions/tokens.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { SharedStore } from '../../src/store/types.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const signer = createTokenSigner([{ kid: 'k1', secret: 'rotation-test-secret-0123456789abcdefghij' }]);

/**
 * Sessions over a memory store that notes every key written: the backdoor for what a session
 * really leaves in the shared store, not only what its tokens still do.
 */
function sessionsWithBackdoor() {
  const store = createMemoryStore();
  const written = new Set<string>();
  const noting: SharedStore = {
    ...store,
    set: (key, value, ttlMs) => (written.add(key), store.set(key, value, ttlMs)),
    setIfAbsent: (key, value, ttlMs) => (written.add(key), store.setIfAbsent(key, value, ttlMs)),
    addToSet: (key, member, ttlMs) => (written.add(key), store.addToSet(key, member, ttlMs)),
  };
  /** The keys still held (a value, or a set with members), and what each holds. */
  const held = async () => {
    const kept: Record<string, string> = {};
    for (const key of written) {
      const members = await store.setMembers(key);
      const value = members.length > 0 ? members.join(',') : await store.get(key);
      if (value !== undefined && value !== '') kept[key] = value;
    }
    return kept;
  };
  return { sessions: createSessions({ store: noting, signer, log: silent }), store, held };
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'refreshed',
    (error: unknown) => (isGatewayError(error) ? error.message : 'error'),
  );
const sidOf = (refreshToken: string) => refreshToken.split('.')[0]!;

describe('refresh-token rotation: what a session keeps in the shared store', () => {
  it('the same few keys however often it is refreshed, and no token in any of them', async () => {
    const { sessions, held } = sessionsWithBackdoor();
    let pair = await sessions.start('00042', 'memory');
    const tokens = [pair.refreshToken];
    const keysAfter: number[] = [];
    for (let i = 1; i <= 40; i++) {
      pair = await sessions.refresh(pair.refreshToken);
      tokens.push(pair.refreshToken);
      if (i === 10 || i === 40) keysAfter.push(Object.keys(await held()).length);
    }
    // The family, its last use, the customer's index, the current token's digest, the spent digests.
    expect(keysAfter[0]).toBeLessThanOrEqual(5);
    expect(keysAfter[1]).toBe(keysAfter[0]);
    const everything = JSON.stringify(await held());
    for (const token of tokens) expect(everything).not.toContain(token.split('.')[2]);
  });

  it('a token used forty refreshes ago, presented again, still ends the session (a thief’s copy)', async () => {
    const { sessions } = sessionsWithBackdoor();
    const first = await sessions.start('00042', 'memory');
    let pair = first;
    for (let i = 0; i < 40; i++) pair = await sessions.refresh(pair.refreshToken);
    expect(await outcome(sessions.refresh(first.refreshToken))).toMatch(/already used/);
    expect(await outcome(sessions.refresh(pair.refreshToken))).toMatch(/not valid/);
  });

  it('a token made up for a real session and an old generation is refused, and the session goes on', async () => {
    const { sessions } = sessionsWithBackdoor();
    let pair = await sessions.start('00042', 'memory');
    for (let i = 0; i < 3; i++) pair = await sessions.refresh(pair.refreshToken);
    // The session id is no secret (it is in every access token's claims).
    const forged = `${sidOf(pair.refreshToken)}.1.${'x'.repeat(43)}`;
    expect(await outcome(sessions.refresh(forged))).toMatch(/not valid/);
    expect(await outcome(sessions.refresh(pair.refreshToken))).toBe('refreshed');
  });

  it('two refreshes with one token at once: one is refreshed, the other ends the session', async () => {
    const { sessions } = sessionsWithBackdoor();
    const pair = await sessions.start('00042', 'memory');
    const both = await Promise.all([
      outcome(sessions.refresh(pair.refreshToken)),
      outcome(sessions.refresh(pair.refreshToken)),
    ]);
    expect(both.filter((o) => o === 'refreshed')).toHaveLength(1);
    expect(both.find((o) => o !== 'refreshed')).toMatch(/already used/);
  });

  it('a logout leaves nothing of the session, however often it was refreshed', async () => {
    const { sessions, held } = sessionsWithBackdoor();
    const kept = await sessions.start('00042', 'memory');
    const before = await held();
    let pair = await sessions.start('00042', 'memory');
    for (let i = 0; i < 5; i++) pair = await sessions.refresh(pair.refreshToken);
    await sessions.end(pair.refreshToken);
    expect(await held()).toEqual(before);
    expect(await outcome(sessions.refresh(kept.refreshToken))).toBe('refreshed');
  });

  it('what instances of the version before read keeps working: the current token’s digest under its generation', async () => {
    const { sessions, store } = sessionsWithBackdoor();
    let pair = await sessions.start('00042', 'memory');
    pair = await sessions.refresh(pair.refreshToken);
    const sid = sidOf(pair.refreshToken);
    expect(await store.get(`session:generation:${sid}:1`)).toBe(await sha256Hex(pair.refreshToken));
  });

  it('tokens refreshed by the version before (a used mark per generation): a used one ends the session, the current one refreshes', async () => {
    const { sessions, store } = sessionsWithBackdoor();
    const first = await sessions.start('00042', 'memory');
    const sid = sidOf(first.refreshToken);
    // An instance of the version before refreshes the first token: it marks generation 0 used and
    // writes generation 1's digest (and leaves generation 0's).
    const ttl = 30 * 24 * 3600 * 1000;
    await store.setIfAbsent(`session:used:${sid}:0`, '1', ttl);
    const second = `${sid}.1.${'s'.repeat(43)}`;
    await store.set(`session:generation:${sid}:1`, await sha256Hex(second), ttl);

    expect(await outcome(sessions.refresh(second))).toBe('refreshed');
    expect(await outcome(sessions.refresh(first.refreshToken))).toMatch(/already used/);
  });
});
