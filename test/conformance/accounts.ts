import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentAdapter } from '../../adapters/instrument.js';
import { type RecordingAccountEvents, recordingAccountEvents } from '../accounts/recording-events.js';
import type { AccountProbe, AccountTarget } from './account-targets.js';
import { buildGateway, type GatewayUnderTest, shopperRegistration, uniqueTag } from './harness.js';

const PASSWORD = 'Str0ng!Passw0rd';
/** 6–16 characters: Open2b stores no longer ones, SCAYLE no shorter than 8. */
const NEW_PASSWORD = 'N3w!Reset-Pw0rd';

/**
 * The shopper's account life on one backend, through the real gateway and the platform's
 * emulator (over HTTP on loopback): password reset, the current password for sensitive changes,
 * guest conversion, erasure and export. What the platform stored is read on its backdoor; the
 * reset token is read from a recording event sink (the shop's mailer would get it).
 */
export function runAccountConformance(target: AccountTarget): void {
  describe(`accounts: ${target.backend}`, () => {
    let gw: GatewayUnderTest;
    let probe: AccountProbe;
    let events: RecordingAccountEvents;
    let teardown: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const started = await target.setup();
      events = recordingAccountEvents();
      gw = buildGateway(target.backend, started.env, undefined, { accountEvents: events });
      if (started.adapter) gw.deps.backends.set(target.backend, instrumentAdapter(started.adapter));
      probe = started.probe;
      teardown = started.teardown;
    });
    afterAll(async () => teardown?.());

    const register = async (overrides: Record<string, unknown> = {}) => {
      const registration = shopperRegistration('Acct', PASSWORD);
      const { lastName } = registration;
      const input = { ...registration, ...overrides };
      const res = await gw.call('POST', '/customers', input);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { id: res.body.id as string, email: input.email, lastName };
    };
    const login = async (email: string, password = PASSWORD) => {
      const res = await gw.call('POST', '/v1/auth/login', { email, password });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { accessToken: string; refreshToken: string };
    };
    const asShopper = (session: { accessToken: string }) => ({ authorization: `Bearer ${session.accessToken}` });
    const me = (session: { accessToken: string }) => gw.call('GET', '/v1/me', undefined, asShopper(session));
    const requestReset = (email: string) => gw.call('POST', '/v1/auth/password-reset', { email });
    const confirm = (token: string, password = NEW_PASSWORD) =>
      gw.call('POST', '/v1/auth/password-reset/confirm', { token, password });
    const tokenFor = async (customerId: string) =>
      (await events.next('customer.password_reset.requested', (e) => e.customerId === customerId)).token;
    const problemOf = ({ requestId: _id, ...rest }: Record<string, unknown>) => rest;
    const canLogin = () => gw.capabilities.shopperLogin;

    describe('password reset', () => {
      it('answers a known and an unknown email alike; the token sets the password on the platform and ends every session', async (ctx) => {
        if (!gw.capabilities.listCustomers) return ctx.skip('a reset looks the email up (capability listCustomers)');
        const shopper = await register();
        const sessions = canLogin() ? [await login(shopper.email), await login(shopper.email)] : [];
        const unknownEmail = `nobody-${uniqueTag()}@example.com`;
        const known = await requestReset(shopper.email);
        const unknown = await requestReset(unknownEmail);
        expect(known.status, JSON.stringify(known.body)).toBe(202);
        expect(unknown.status).toBe(202);
        expect(known.body).toEqual(unknown.body);

        const event = await events.next('customer.password_reset.requested', (e) => e.customerId === shopper.id);
        expect(event).toMatchObject({ backend: target.backend, email: shopper.email });
        expect(event.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect((await confirm(event.token)).status).toBe(204);
        expect(await probe.passwordIs(shopper.id, NEW_PASSWORD)).toBe(true);
        for (const session of sessions) {
          expect((await me(session)).status).toBe(401);
          expect((await gw.call('POST', '/v1/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
        }
        if (canLogin()) await login(shopper.email, NEW_PASSWORD);

        await gw.deps.background.settled();
        expect(
          events.events.filter((e) => e.type === 'customer.password_reset.requested' && e.email === unknownEmail),
        ).toEqual([]);
      });

      it('a token cannot be replayed, forged, used after its email changed, or turned on another customer', async (ctx) => {
        if (!gw.capabilities.listCustomers) return ctx.skip('a reset looks the email up (capability listCustomers)');
        const [owner, other] = [await register(), await register()];
        await requestReset(owner.email);
        const token = await tokenFor(owner.id);
        // The right length and alphabet, never issued.
        const forged = await confirm(Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'));
        expect(forged.status).toBe(400);
        expect(forged.body.errors).toEqual([{ path: 'token', message: 'not valid' }]);

        expect((await confirm(token)).status).toBe(204);
        const replayed = await confirm(token, 'An0ther!Pw0rd');
        expect(problemOf(replayed.body)).toEqual(problemOf(forged.body));
        expect(await probe.passwordIs(owner.id, NEW_PASSWORD)).toBe(true);
        expect(await probe.passwordIs(other.id, PASSWORD)).toBe(true);

        // The other customer's token stops working once its email is no longer the one it went to.
        await requestReset(other.email);
        const otherToken = await tokenFor(other.id);
        const moved = await gw.call('PATCH', `/customers/${other.id}`, { email: `moved-${uniqueTag()}@example.com` });
        expect(moved.status, JSON.stringify(moved.body)).toBe(200);
        expect(problemOf((await confirm(otherToken)).body)).toEqual(problemOf(forged.body));
        expect(await probe.passwordIs(other.id, PASSWORD)).toBe(true);
      });

      it('a token mailed before the password was changed another way, or the customer deactivated, no longer works', async (ctx) => {
        if (!gw.capabilities.listCustomers) return ctx.skip('a reset looks the email up (capability listCustomers)');
        if (!gw.capabilities.passwordChange) return ctx.skip('no password change (capability passwordChange)');
        const [changed, deactivated] = [await register(), await register()];
        await requestReset(changed.email);
        const token = await tokenFor(changed.id);
        const changedPassword = 'Chang3d!Passw0rd';
        const set = await gw.call('PUT', `/customers/${changed.id}/password`, { password: changedPassword });
        expect(set.status, JSON.stringify(set.body)).toBe(204);
        const refused = await confirm(token);
        expect(refused.status).toBe(400);
        expect(refused.body.errors).toEqual([{ path: 'token', message: 'not valid' }]);
        expect(await probe.passwordIs(changed.id, changedPassword)).toBe(true);

        await requestReset(deactivated.email);
        const second = await tokenFor(deactivated.id);
        expect((await gw.call('PATCH', `/customers/${deactivated.id}`, { active: false })).status).toBe(200);
        expect((await confirm(second)).status).toBe(400);
        expect(await probe.passwordIs(deactivated.id, PASSWORD)).toBe(true);
      });
    });

    it('a shopper changes the email only with the current password; the event carries the old address', async (ctx) => {
      if (!canLogin()) return ctx.skip('no shopper sessions on this backend (capability shopperLogin)');
      const shopper = await register();
      const auth = asShopper(await login(shopper.email));
      const newEmail = `new-${uniqueTag()}@example.com`;
      const missing = await gw.call('PATCH', '/v1/me', { email: newEmail }, auth);
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ path: 'currentPassword', message: 'required' }]);
      const wrong = await gw.call('PATCH', '/v1/me', { email: newEmail, currentPassword: 'Wr0ng!Passw0rd' }, auth);
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([{ path: 'currentPassword', message: 'does not match' }]);
      expect((await gw.call('GET', `/customers/${shopper.id}`)).body.email).toBe(shopper.email);

      const changed = await gw.call('PATCH', '/v1/me', { email: newEmail, currentPassword: PASSWORD }, auth);
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toMatchObject({ email: newEmail });
      expect(changed.body).not.toHaveProperty('currentPassword');
      expect(await events.next('customer.email.changed', (e) => e.customerId === shopper.id)).toEqual({
        type: 'customer.email.changed',
        backend: target.backend,
        customerId: shopper.id,
        email: newEmail,
        previousEmail: shopper.email,
      });
      // Other changes need no password; the shopper now signs in with the new email.
      expect((await gw.call('PATCH', '/v1/me', { firstName: 'Erikaa' }, auth)).status).toBe(200);
      expect((await gw.call('POST', '/v1/auth/login', { email: newEmail, password: PASSWORD })).status).toBe(200);

      // A new login is another way in: it needs the password too, and without it nothing changes.
      const loginBefore = (await gw.call('GET', `/customers/${shopper.id}`)).body.login;
      const newLogin = `login-${uniqueTag()}@example.com`;
      const noProof = await gw.call('PATCH', '/v1/me', { login: newLogin }, auth);
      expect(noProof.status, JSON.stringify(noProof.body)).toBe(400);
      expect(noProof.body.errors).toEqual([{ path: 'currentPassword', message: 'required' }]);
      const wrongProof = await gw.call('PATCH', '/v1/me', { login: newLogin, currentPassword: 'Wr0ng!Passw0rd' }, auth);
      expect(wrongProof.status).toBe(400);
      expect(wrongProof.body.errors).toEqual([{ path: 'currentPassword', message: 'does not match' }]);
      expect((await gw.call('GET', `/customers/${shopper.id}`)).body.login).toEqual(loginBefore);
      // A login that is no email address would lock the shopper out (/v1/auth/login takes an email,
      // a reset included): refused by name, even with the password.
      const lockout = await gw.call('PATCH', '/v1/me', { login: 'erika.m', currentPassword: PASSWORD }, auth);
      expect(lockout.status, JSON.stringify(lockout.body)).toBe(400);
      expect(lockout.body.errors.map((e: { path: string }) => e.path)).toEqual(['login']);
      expect((await gw.call('GET', `/customers/${shopper.id}`)).body.login).toEqual(loginBefore);
      // With the password, the platform decides: a separate login is stored, or (the email is the login) refused by name.
      const proven = await gw.call('PATCH', '/v1/me', { login: newLogin, currentPassword: PASSWORD }, auth);
      if (proven.status === 200) {
        expect(proven.body.login).toBe(newLogin);
        // Still a way in: the login (where the platform signs in with it) or the email.
        const signIns = await Promise.all(
          [newLogin, newEmail].map((email) => gw.call('POST', '/v1/auth/login', { email, password: PASSWORD })),
        );
        expect(signIns.map((r) => r.status)).toContain(200);
      } else expect(proven.body.errors.map((e: { path: string }) => e.path)).toEqual(['login']);
    });

    it("a new password the platform will not store is a 400 naming password (a shopper's change as a reset)", async (ctx) => {
      if (!canLogin()) return ctx.skip('no shopper sessions on this backend (capability shopperLogin)');
      if (!probe.refusedPassword) return ctx.skip('the platform takes any password the canonical API does');
      const shopper = await register();
      const auth = asShopper(await login(shopper.email));
      const refused = await gw.call(
        'PUT',
        '/v1/me/password',
        { currentPassword: PASSWORD, password: probe.refusedPassword },
        auth,
      );
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.code).toBe('validation_failed');
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['password']);
      expect(await probe.passwordIs(shopper.id, PASSWORD)).toBe(true);
    });

    it('a new email under If-Match, and with a login that is not the email, takes the current password', async (ctx) => {
      if (!canLogin()) return ctx.skip('no shopper sessions on this backend (capability shopperLogin)');
      const shopper = await register();
      const auth = asShopper(await login(shopper.email));
      // The password check signs the shopper in (the platform's last login moves): the If-Match the
      // shopper read before still holds for the change itself.
      const etag = (await me(await login(shopper.email))).headers.get('etag')!;
      const newEmail = `new-${uniqueTag()}@example.com`;
      const changed = await gw.call(
        'PATCH',
        '/v1/me',
        { email: newEmail, currentPassword: PASSWORD },
        { ...auth, 'if-match': etag },
      );
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body.email).toBe(newEmail);
      const stale = await gw.call('PATCH', '/v1/me', { firstName: 'Stale' }, { ...auth, 'if-match': etag });
      expect(stale.status, JSON.stringify(stale.body)).toBe(412);

      // An administrator changes the email; where the platform keeps the login apart, it stays.
      const adminEmail = `admin-${uniqueTag()}@example.com`;
      expect((await gw.call('PATCH', `/customers/${shopper.id}`, { email: adminEmail })).status).toBe(200);
      const { login: signIn } = (await gw.call('GET', `/customers/${shopper.id}`)).body as { login?: string };
      const proof = signIn ?? adminEmail;
      const again = asShopper(await login(proof));
      const third = `third-${uniqueTag()}@example.com`;
      const proven = await gw.call('PATCH', '/v1/me', { email: third, currentPassword: PASSWORD }, again);
      expect(proven.status, JSON.stringify(proven.body)).toBe(200);
      expect(proven.body.email).toBe(third);
    });

    it('registering with the email of a guest converts the guest (same id, its addresses kept), or says why not', async (ctx) => {
      if (!probe.seedGuest)
        return ctx.skip(`${target.backend} keeps no guest customer records: a registration makes a new customer`);
      const tag = uniqueTag();
      const email = `guest-${tag}@example.com`;
      const lastName = `Gast${tag.slice(-6)}`;
      const guestId = await probe.seedGuest(email, lastName);
      const before = await gw.call('GET', `/customers/${guestId}?expand=addresses`);
      expect(before.body.status.guest).toBe(true);
      if (probe.refusedProfile && probe.refusedPassword && gw.capabilities.guestConversion) {
        // A value the platform cannot store, or a password it refuses, is refused while the guest is
        // unchanged (no new name, no new address, still a guest): a corrected retry converts it.
        const snapshot = await probe.snapshot();
        const extra = { lastName, line1: 'Neuweg 2', city: 'Berlin', postalCode: '10115', countryCode: 'DE' };
        const refusals: [Record<string, unknown>, string[]][] = [
          [{ password: PASSWORD, ...probe.refusedProfile }, Object.keys(probe.refusedProfile)],
          [{ password: probe.refusedPassword }, ['password']],
        ];
        for (const [fields, paths] of refusals) {
          const refused = await gw.call('POST', '/customers', {
            email,
            firstName: 'Erika',
            lastName,
            addresses: [extra],
            ...fields,
          });
          expect(refused.status, JSON.stringify(refused.body)).toBe(400);
          expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(paths);
          expect((await probe.snapshot()).get(guestId)).toBe(snapshot.get(guestId));
        }
      }
      const registered = await gw.call('POST', '/customers', {
        email,
        firstName: 'Erika',
        lastName,
        password: PASSWORD,
      });
      if (!gw.capabilities.guestConversion) {
        expect(registered.status).toBe(409);
        return expect(registered.body.detail).toMatch(/guest/);
      }
      expect(registered.status, JSON.stringify(registered.body)).toBe(200);
      expect(registered.body).toMatchObject({ id: guestId, email, status: { guest: false, active: true } });
      expect(registered.headers.get('location')).toBe(`/v1/backends/${target.backend}/customers/${guestId}`);
      const after = await gw.call('GET', `/customers/${guestId}?expand=addresses`);
      expect(after.body.addresses.map((a: { line1: string }) => a.line1)).toEqual(
        before.body.addresses.map((a: { line1: string }) => a.line1),
      );
      expect(await probe.passwordIs(guestId, PASSWORD)).toBe(true);
      if (canLogin())
        expect((await gw.call('POST', '/v1/auth/login', { email, password: PASSWORD })).body.customerId).toBe(guestId);
    });

    describe('erasure', () => {
      it('erases the customer on the platform and in the gateway, reports each step, and touches no one else', async (ctx) => {
        const subject = await register();
        if (!gw.capabilities.erasure) {
          const refused = await gw.call('POST', `/customers/${subject.id}/erase`, {});
          expect(refused.status).toBe(501);
          return ctx.skip('the backend cannot erase customers (capability erasure)');
        }
        const bystander = await register();
        const session = canLogin() ? await login(subject.email) : undefined;
        const bystanderSession = canLogin() ? await login(bystander.email) : undefined;
        const key = { 'idempotency-key': `"erase-${uniqueTag()}"` };
        expect((await gw.call('PATCH', `/customers/${subject.id}`, { firstName: 'Kept' }, key)).status).toBe(200);
        const before = await probe.snapshot();

        const erased = await gw.call('POST', `/customers/${subject.id}/erase`, { reference: 'DSR-1' });
        expect(erased.status, JSON.stringify(erased.body)).toBe(200);
        expect(erased.body).toMatchObject({ backend: target.backend, customerId: subject.id, reference: 'DSR-1' });
        const steps = erased.body.steps as { where: string; what: string; outcome: string; count?: number }[];
        expect(steps[0]).toMatchObject({ where: 'platform', outcome: expect.stringMatching(/^(deleted|anonymized)$/) });
        expect(steps.find((s) => s.what.startsWith('Idempotency-Key'))).toMatchObject({ outcome: 'erased', count: 1 });
        if (session) expect(steps.find((s) => s.what.startsWith('shopper sessions'))).toMatchObject({ count: 1 });
        expect(erased.body.notReached.length).toBeGreaterThan(0);

        const after = await probe.snapshot();
        for (const [id, stored] of before) if (id !== subject.id) expect(after.get(id), `customer ${id}`).toBe(stored);
        const kept = JSON.stringify((await probe.keptAfterErasure(subject.id)) ?? {});
        for (const personal of [subject.email, subject.lastName, 'Hauptstraße']) expect(kept).not.toContain(personal);

        expect((await gw.call('GET', `/customers/${subject.id}`)).status).toBe(404);
        if (session) expect((await me(session)).status).toBe(401);
        if (bystanderSession) expect((await me(bystanderSession)).status).toBe(200);
        // The kept answer is gone: the same key runs again (and finds no customer) instead of replaying.
        const again = await gw.call('PATCH', `/customers/${subject.id}`, { firstName: 'Kept' }, key);
        expect(again.status).toBe(404);
        expect(await events.next('customer.erased', (e) => e.customerId === subject.id)).toEqual({
          type: 'customer.erased',
          backend: target.backend,
          customerId: subject.id,
        });
      });

      it('a platform that refuses (open orders) answers 409 and nothing is erased anywhere', async (ctx) => {
        if (!gw.capabilities.erasure) return ctx.skip('the backend cannot erase customers (capability erasure)');
        if (!probe.holdOpenOrders) return ctx.skip(`${target.backend} does not refuse erasure for open orders`);
        const subject = await register();
        const session = canLogin() ? await login(subject.email) : undefined;
        probe.holdOpenOrders(subject.id);
        const before = await probe.snapshot();
        const refused = await gw.call('POST', `/customers/${subject.id}/erase`, {});
        expect(refused.status).toBe(409);
        expect(refused.body.detail).toMatch(/order/);
        expect(await probe.snapshot()).toEqual(before);
        if (session) expect((await me(session)).status).toBe(200);
        expect((await gw.call('GET', `/customers/${subject.id}`)).status).toBe(200);
      });

      it('DELETE /v1/me erases the shopper only with the current password', async (ctx) => {
        if (!canLogin() || !gw.capabilities.erasure)
          return ctx.skip('needs shopper sessions and erasure (capabilities shopperLogin, erasure)');
        const shopper = await register();
        const session = await login(shopper.email);
        const wrong = await gw.call('DELETE', '/v1/me', { currentPassword: 'Wr0ng!Passw0rd' }, asShopper(session));
        expect(wrong.status).toBe(400);
        // No body at all (a JSON type and Content-Length: 0): the field it needs is named.
        const empty = await gw.call('DELETE', '/v1/me', undefined, {
          ...asShopper(session),
          'content-type': 'application/json',
        });
        expect(empty.status).toBe(400);
        expect(empty.body.errors.map((e: { path: string }) => e.path)).toEqual(['currentPassword']);
        expect((await me(session)).status).toBe(200);
        const erased = await gw.call('DELETE', '/v1/me', { currentPassword: PASSWORD }, asShopper(session));
        expect(erased.status, JSON.stringify(erased.body)).toBe(200);
        expect(erased.body.customerId).toBe(shopper.id);
        expect((await me(session)).status).toBe(401);
        expect((await probe.snapshot()).has(shopper.id)).toBe(false);
      });
    });

    it('exports the profile, every address and the live sessions (never a token)', async () => {
      const shopper = await register();
      const added = await gw.call('POST', `/customers/${shopper.id}/addresses`, {
        lastName: shopper.lastName,
        line1: 'Lieferweg 3',
        city: 'Hamburg',
        postalCode: '20095',
        countryCode: 'DE',
      });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      const sessions = canLogin() ? [await login(shopper.email), await login(shopper.email)] : [];
      const exported = await gw.call('GET', `/customers/${shopper.id}/export`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('cache-control')).toBe('no-store');
      expect(exported.body).toMatchObject({
        format: 'customer-gateway.export/v1',
        backend: target.backend,
        customer: { id: shopper.id, email: shopper.email },
      });
      expect(exported.body.addresses.map((a: { line1: string }) => a.line1).sort()).toEqual([
        'Hauptstraße 5',
        'Lieferweg 3',
      ]);
      expect(exported.body.sessions).toHaveLength(sessions.length);
      const text = JSON.stringify(exported.body);
      for (const s of sessions)
        for (const token of [s.accessToken, s.refreshToken.split('.')[0]!]) expect(text).not.toContain(token);
      if (sessions[0]) {
        const own = await gw.call('GET', '/v1/me/export', undefined, asShopper(sessions[0]));
        expect(own.status).toBe(200);
        expect(own.body.sessions.filter((s: { current?: boolean }) => s.current)).toHaveLength(1);
        expect(own.body.customer.id).toBe(shopper.id);
      }
    });
  });
}
