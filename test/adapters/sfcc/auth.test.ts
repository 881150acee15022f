import { describe, expect, it } from 'vitest';
import { deadlineSignal } from '../../../transport/deadline.js';
import { AccessTokens } from '../../../adapters/sfcc/client.js';
import { createSfccAdapter } from '../../../adapters/sfcc/index.js';
import { byId, capturingLog, context, customerInput, failure, setup } from './helpers.js';

describe('sfcc Account Manager tokens', () => {
  it('gets one token and reuses it across calls (and concurrent calls share the request)', async () => {
    const { adapter, emulator, ctx } = setup({ emulator: { seed: true } });
    await Promise.all([
      adapter.listCustomers!({ limit: 2 }, ctx),
      adapter.listCustomers!({ limit: 3 }, ctx),
      adapter.listCustomers!({ limit: 4 }, ctx),
    ]);
    await adapter.listCustomers!({ limit: 1 }, ctx);
    expect(emulator.backdoor.accessTokensIssued).toBe(1);
  });

  it('renews the token shortly before it expires, not after', async () => {
    const { emulator, options, ctx } = setup();
    let now = 1_000_000;
    const tokens = new AccessTokens(options, emulator.fetch, () => now);
    const first = await tokens.get(ctx);
    now += 1799_000 - 61_000; // more than a minute left: cached
    expect(await tokens.get(ctx)).toBe(first);
    now += 2_000; // under a minute left: renewed
    const second = await tokens.get(ctx);
    expect(second).not.toBe(first);
    expect(emulator.backdoor.accessTokensIssued).toBe(2);
  });

  describe('through a fetch that follows its abort signal', () => {
    // Like a real fetch (the in-process one ignores signals): an aborted request never answers;
    // the token endpoint answers only once `answering` settles (a slow platform, under the test's control).
    const signalAware = (emulator: ReturnType<typeof setup>['emulator'], answering?: Promise<void>) => {
      const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
        await answering;
        if (signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
        return emulator.fetch(new Request(input, { ...init, signal: undefined }));
      }) as typeof globalThis.fetch;
      return fetch;
    };

    it('a caller that goes away does not fail the token request it shares with others', async () => {
      const { emulator, options, ctx } = setup();
      const fetch = signalAware(emulator);
      const gone = new AbortController();
      gone.abort();
      // The gateway's contexts also hand out per-call deadlines linked to the caller.
      const left = {
        ...ctx,
        signal: gone.signal,
        deadlineWithin: (ms: number) => deadlineSignal(ms, gone.signal),
      };
      const tokens = new AccessTokens(options, fetch);
      const [leaver, stayer] = await Promise.allSettled([tokens.get(left), tokens.get(ctx)]);
      expect(leaver).toMatchObject({ status: 'rejected', reason: { code: 'upstream_timeout' } });
      expect(stayer).toMatchObject({ status: 'fulfilled', value: expect.any(String) });
      expect(emulator.backdoor.accessTokensIssued).toBe(1);
    });

    it('a caller waits for a slow shared token request no longer than its own deadline', async () => {
      const { emulator, options, ctx } = setup();
      let answer = () => {};
      const tokens = new AccessTokens(options, signalAware(emulator, new Promise<void>((r) => (answer = r))));
      const hurried = { ...ctx, signal: AbortSignal.timeout(30) };
      // The token endpoint has not answered (it cannot before `answer()`): the caller gives up at its deadline anyway.
      await expect(tokens.get(hurried)).rejects.toMatchObject({ code: 'upstream_timeout' });
      expect(emulator.backdoor.accessTokensIssued).toBe(0);
      // The request goes on for those who can wait.
      const patient = tokens.get(ctx);
      answer();
      expect(await patient).toEqual(expect.any(String));
      expect(emulator.backdoor.accessTokensIssued).toBe(1);
    });
  });

  it('on 401 ExpiredTokenException gets a new token and retries once, transparently', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(customerInput(), ctx);
    emulator.backdoor.expireAccessTokens();
    const read = await adapter.getCustomer(byId(created.value.id), { expandAddresses: false }, ctx);
    expect(read.value.id).toBe(created.value.id);
    expect(emulator.backdoor.accessTokensIssued).toBe(2);
  });

  it('refreshes only once: a token refused again is upstream_auth_failed (502), not a loop', async () => {
    const { emulator, options, ctx } = setup();
    let shopCalls = 0;
    // Every Shop API call carries a token the emulator never issued.
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.url.includes('/dw/shop/')) {
        shopCalls++;
        request.headers.set('authorization', 'Bearer forged');
      }
      return emulator.fetch(request);
    }) as typeof globalThis.fetch;
    const adapter = createSfccAdapter(options, { fetch, log: capturingLog([]) });
    const error = await failure(adapter.getCustomer(byId('abc'), { expandAddresses: false }, ctx));
    expect(error).toMatchObject({
      code: 'upstream_auth_failed',
      status: 502,
      upstream: { status: 401, code: 'InvalidAccessTokenException' },
    });
    expect(shopCalls).toBe(2);
    expect(emulator.backdoor.accessTokensIssued).toBe(2);
  });

  it('wrong client credentials → upstream_auth_failed naming the variables, never the secret', async () => {
    const { adapter, ctx } = setup({ env: { SFCC_CLIENT_SECRET: 'wrong-secret-value' } });
    const error = await failure(adapter.getCustomer(byId('abc'), { expandAddresses: false }, ctx));
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).toContain('SFCC_CLIENT_SECRET');
    expect(error.message).not.toContain('wrong-secret-value');
  });

  it('never logs or reports tokens, secrets or passwords', async () => {
    const { adapter, ctx, sent, lines, options } = setup();
    const created = await adapter.createCustomer(customerInput({ password: 'Str0ng!Passw0rd' }), ctx);
    await adapter.setPassword(
      byId(created.value.id),
      { currentPassword: 'Str0ng!Passw0rd', password: 'N3w!Passw0rd-2' },
      ctx,
    );
    await failure(
      adapter.setPassword(
        byId(created.value.id),
        { currentPassword: 'Wr0ng!Passw0rd', password: 'N3w!Passw0rd-3' },
        ctx,
      ),
    );
    const secrets = [
      options.clientSecret,
      'Str0ng!Passw0rd',
      'N3w!Passw0rd-2',
      'Wr0ng!Passw0rd',
      ...sent
        .map((r) => r.headers.get('authorization')?.replace(/^(Bearer|Basic) /, ''))
        .filter((t): t is string => !!t),
    ];
    expect(secrets.length).toBeGreaterThan(5);
    expect(lines.length).toBeGreaterThan(0);
    const logged = lines.join('\n') + JSON.stringify(context().ctx);
    for (const secret of secrets) expect(logged).not.toContain(secret);
  });
});
