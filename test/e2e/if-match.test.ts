import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceCustomer } from '../routes/race.js';
import { e2ePlatforms, inParallel, type RunningGateway, servePlatforms, startGateway } from './support.js';

/** Issue 8 point 4 through `npm start` (one process, default memory store) and HTTP-served emulators. */
describe('npm start: one winner per If-Match on every platform', () => {
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;
  let gateway: RunningGateway;
  beforeAll(async () => {
    platforms = await servePlatforms();
    gateway = await startGateway({ ...platforms.env, LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await platforms?.close();
  });

  it.each(e2ePlatforms.map((p) => p.name))(
    '%s: 50 concurrent PATCHes with the current If-Match give one 200 and 49 × 412',
    async (backend) => {
      const base = `${gateway.origin}/v1/backends/${backend}/customers`;
      const created = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(raceCustomer()),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const url = `${base}/${encodeURIComponent(id)}`;
      const etag = (await fetch(url)).headers.get('etag')!;
      const statuses = await inParallel(50, 50, async (i) => {
        const response = await fetch(url, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'if-match': etag },
          body: JSON.stringify({ firstName: `Writer${i}` }),
        });
        await response.body?.cancel();
        return response.status;
      });
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    },
  );
});

describe('npm start: a stale If-Match comes before a conflict (SFCC)', () => {
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;
  let gateway: RunningGateway;
  beforeAll(async () => {
    platforms = await servePlatforms(e2ePlatforms.filter((p) => p.name === 'sfcc'));
    gateway = await startGateway({ ...platforms.env, LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await platforms?.close();
  });

  it('a PATCH with a stale If-Match and a login another customer holds is a 412, and writes nothing', async () => {
    const base = `${gateway.origin}/v1/backends/sfcc/customers`;
    const register = async () => {
      const created = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(raceCustomer()),
      });
      expect(created.status).toBe(201);
      return (await created.json()) as { id: string; login: string };
    };
    const [mine, theirs] = [await register(), await register()];
    const url = `${base}/${encodeURIComponent(mine.id)}`;
    const stale = (await fetch(url)).headers.get('etag')!;
    const patch = (body: object, ifMatch: string) =>
      fetch(url, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'if-match': ifMatch },
        body: JSON.stringify(body),
      });
    expect((await patch({ firstName: 'Moved' }, stale)).status).toBe(200);
    const both = await patch({ firstName: 'Lost', login: theirs.login }, stale);
    expect(both.status).toBe(412);
    expect(await both.json()).toMatchObject({ code: 'precondition_failed' });
    expect(await (await fetch(url)).json()).toMatchObject({ firstName: 'Moved', login: mine.login });
  });
});
