import { describe, expect, it } from 'vitest';
import { shopperRegistration, uniqueTag } from './harness.js';
import { type ConformanceTarget, gatewayForTarget } from './suite.js';

const PASSWORD = 'Str0ng!Passw0rd';

/**
 * Shopper sessions on one backend, through the real gateway and the platform's emulator: the
 * platform checks the password, the shopper reaches only their own profile and addresses.
 */
export function runSessionConformance(target: ConformanceTarget): void {
  describe(`shopper sessions: ${target.backend}`, () => {
    const gw = gatewayForTarget(target);

    const register = async (street: string) => {
      const body = shopperRegistration('Shop', PASSWORD, street);
      const res = await gw.call('POST', '/customers', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return {
        id: res.body.id as string,
        email: body.email,
        addressIds: (res.body.addresses ?? []).map((a: { id: string }) => a.id) as string[],
      };
    };
    const login = (email: string, password: string) => gw.call('POST', '/auth/login', { email, password });
    const asShopper = (token: string) => ({ authorization: `Bearer ${token}` });
    const withoutRequestId = ({ requestId: _id, ...rest }: Record<string, unknown>) => rest;

    it('signs a shopper in with the password the platform checks, or answers 501 naming the alternative', async (ctx) => {
      const shopper = await register('Hauptstraße 5');
      const res = await login(shopper.email, PASSWORD);
      if (!gw.capabilities.shopperLogin) {
        expect(res.status).toBe(501);
        expect(res.body.code).toBe('not_supported');
        expect(res.body.detail).toMatch(/instead|Storefront API|identity provider/i);
        return ctx.skip('backend cannot verify passwords (capability shopperLogin)');
      }
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
        customerId: shopper.id,
      });
      const me = await gw.call('GET', '/v1/me', undefined, asShopper(res.body.accessToken));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: shopper.id, email: shopper.email });
      expect(me.headers.get('etag')).toBeTruthy();
      // A refresh asks the platform whether the customer still may sign in: an active one may.
      const refreshed = await gw.call('POST', '/v1/auth/refresh', { refreshToken: res.body.refreshToken });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
      expect(refreshed.body.customerId).toBe(shopper.id);
      expect((await gw.call('GET', '/v1/me', undefined, asShopper(refreshed.body.accessToken))).status).toBe(200);
    });

    it('answers a wrong password and an unknown email with the same 401', async (ctx) => {
      if (!gw.capabilities.shopperLogin) return ctx.skip('capability shopperLogin is false');
      const shopper = await register('Hauptstraße 6');
      const wrong = await login(shopper.email, 'Wr0ng!Passw0rd');
      const unknown = await login(`nobody-${uniqueTag()}@example.com`, 'Wr0ng!Passw0rd');
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('unauthorized');
      expect(unknown.status).toBe(401);
      expect(withoutRequestId(wrong.body)).toEqual(withoutRequestId(unknown.body));
    });

    it("edits the shopper's own address book through /v1/me, never another customer's", async (ctx) => {
      if (!gw.capabilities.shopperLogin) return ctx.skip('capability shopperLogin is false');
      const other = await register('Fremdweg 99');
      const shopper = await register('Hauptstraße 7');
      const auth = asShopper((await login(shopper.email, PASSWORD)).body.accessToken);

      const added = await gw.call(
        'POST',
        '/v1/me/addresses',
        {
          firstName: 'Erika',
          lastName: 'Paket',
          line1: 'Lieferweg 3',
          city: 'Hamburg',
          postalCode: '20095',
          countryCode: 'DE',
        },
        auth,
      );
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect(added.headers.get('location')).toBe(`/v1/me/addresses/${encodeURIComponent(added.body.id)}`);
      const patched = await gw.call(
        'PATCH',
        `/v1/me/addresses/${encodeURIComponent(added.body.id)}`,
        { city: 'Bremen', postalCode: '28195' },
        auth,
      );
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.city).toBe('Bremen');
      const listed = await gw.call('GET', '/v1/me/addresses', undefined, auth);
      expect(listed.body.items.map((a: { city: string }) => a.city)).toContain('Bremen');
      expect(
        (await gw.call('GET', `/customers/${shopper.id}/addresses/${encodeURIComponent(added.body.id)}`)).body.city,
      ).toBe('Bremen');

      // The other customer's address ids lead only into the shopper's own book.
      for (const id of other.addressIds) {
        const read = await gw.call('GET', `/v1/me/addresses/${encodeURIComponent(id)}`, undefined, auth);
        expect(JSON.stringify(read.body)).not.toContain('Fremdweg');
        await gw.call('PATCH', `/v1/me/addresses/${encodeURIComponent(id)}`, { city: 'Gekapert' }, auth);
      }
      const otherBook = await gw.call('GET', `/customers/${other.id}/addresses`);
      expect(JSON.stringify(otherBook.body)).not.toContain('Gekapert');
      expect(JSON.stringify(otherBook.body)).toContain('Fremdweg 99');

      const deleted = await gw.call('DELETE', `/v1/me/addresses/${encodeURIComponent(added.body.id)}`, undefined, auth);
      expect(deleted.status).toBe(204);
    });

    it('a password change through /v1/me ends the other sessions and keeps this one', async (ctx) => {
      if (!gw.capabilities.shopperLogin) return ctx.skip('capability shopperLogin is false');
      const shopper = await register('Hauptstraße 8');
      const phone = (await login(shopper.email, PASSWORD)).body;
      const laptop = (await login(shopper.email, PASSWORD)).body;
      const changed = await gw.call(
        'PUT',
        '/v1/me/password',
        { currentPassword: PASSWORD, password: 'N3w!Passw0rd' },
        asShopper(laptop.accessToken),
      );
      expect(changed.status, JSON.stringify(changed.body)).toBe(204);
      expect((await gw.call('GET', '/v1/me', undefined, asShopper(phone.accessToken))).status).toBe(401);
      expect((await gw.call('POST', '/v1/auth/refresh', { refreshToken: phone.refreshToken })).status).toBe(401);
      expect((await gw.call('GET', '/v1/me', undefined, asShopper(laptop.accessToken))).status).toBe(200);
      expect((await login(shopper.email, PASSWORD)).status).toBe(401);
      expect((await login(shopper.email, 'N3w!Passw0rd')).status).toBe(200);
    });

    it('refuses a /v1/me password change without the current password', async (ctx) => {
      if (!gw.capabilities.shopperLogin) return ctx.skip('capability shopperLogin is false');
      const shopper = await register('Hauptstraße 9');
      const auth = asShopper((await login(shopper.email, PASSWORD)).body.accessToken);
      const res = await gw.call('PUT', '/v1/me/password', { password: 'N3w!Passw0rd' }, auth);
      expect(res.status).toBe(400);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'currentPassword' }));
      expect((await login(shopper.email, PASSWORD)).status).toBe(200);
    });
  });
}
