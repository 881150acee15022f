import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../adapters/errors.js';
import { createSessions } from '../../src/sessions/sessions.js';
import { createTokenSigner } from '../../src/sessions/tokens.js';
import { createMemoryStore } from '../../src/store/memory.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** Sessions on a clock that does not move: what happens within one millisecond is decided by rule, not by luck. */
function frozenSessions() {
  const at = Date.parse('2026-12-07T12:00:00.000Z');
  const signer = createTokenSigner([{ kid: 'k1', secret: 'frozen-clock-secret-0123456789abcdefghij' }]);
  const store = createMemoryStore({ now: () => at });
  return Object.assign(createSessions({ store, signer, log: silent, now: () => at }), { store });
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'alive',
    (error: unknown) => (isGatewayError(error) ? error.code : 'error'),
  );

describe('what ends a session started in the same millisecond', () => {
  it('a delete or a deactivation (the account closed): it ends, access and refresh alike', async () => {
    const sessions = frozenSessions();
    const session = await sessions.start('00042', 'memory');
    await sessions.endSessions('memory', '00042', '', true);
    expect(await outcome(sessions.verifyAccess(session.accessToken))).toBe('unauthorized');
    expect(await outcome(sessions.refresh(session.refreshToken))).toBe('unauthorized');
  });

  it('an erasure (the account closed too): it ends', async () => {
    const sessions = frozenSessions();
    // One the customer's index does not list (begun before the index existed): only the end marker ends it.
    const unlisted = await sessions.start('00042', 'memory');
    const sid = unlisted.refreshToken.split('.')[0]!;
    await sessions.store.removeFromSet('session:by-customer:memory:00042', sid);
    await sessions.eraseAll('memory', '00042');
    expect(await outcome(sessions.verifyAccess(unlisted.accessToken))).toBe('unauthorized');
  });

  it('a password change: it is taken for a sign-in with the new password, and lives', async () => {
    const sessions = frozenSessions();
    const session = await sessions.start('00042', 'memory');
    await sessions.endSessions('memory', '00042');
    expect(await outcome(sessions.verifyAccess(session.accessToken))).toBe('alive');
  });
});

describe('what a logout leaves behind', () => {
  it('the session leaves the customer’s index and its last use goes: nothing of it grows with sign-ins', async () => {
    const sessions = frozenSessions();
    const kept = await sessions.start('00042', 'memory');
    for (let i = 0; i < 3; i++) await sessions.end((await sessions.start('00042', 'memory')).refreshToken);
    const keptSid = kept.refreshToken.split('.')[0]!;
    expect(await sessions.store.setMembers('session:by-customer:memory:00042')).toEqual([keptSid]);
    expect((await sessions.list('memory', '00042')).map((s) => s.sid)).toEqual([keptSid]);
    const ended = await sessions.start('00042', 'memory');
    const endedSid = ended.refreshToken.split('.')[0]!;
    await sessions.end(ended.refreshToken);
    expect(await sessions.store.get(`session:last-used:${endedSid}`)).toBeUndefined();
    expect(await outcome(sessions.refresh(ended.refreshToken))).toBe('unauthorized');
  });
});
