import { expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { runScript } from '../e2e/support.js';
import { redisForTests, removeKeys, uniquePrefix } from './redis-server.js';
import { sharedStoreSuite } from './suite.js';

sharedStoreSuite('redis', {
  async open() {
    const redis = await redisForTests();
    if ('skip' in redis) return redis;
    const prefix = uniquePrefix('store');
    const store = await createRedisStore({ url: redis.url, prefix });
    return {
      store,
      async cleanup() {
        await removeKeys(redis.url, prefix);
        await redis.stop();
      },
    };
  },
});

it('redis store: opening an unreachable Redis fails', async () => {
  await expect(createRedisStore({ url: 'redis://:s3cret@127.0.0.1:1', prefix: 'x:' })).rejects.toThrow();
});

it('redis store: a Redis that goes away fails fast with a 503 that does not show the URL', async (ctx) => {
  const redis = await redisForTests();
  // Needs a real Redis: without one this is skipped with the reason, never passed.
  if ('skip' in redis) return ctx.skip(`needs Redis: ${redis.skip}`);
  const store = await createRedisStore({ url: redis.url, prefix: uniquePrefix('closed') });
  await store.close();
  const failure = await store.get('k').catch((error: unknown) => error);
  expect(failure).toMatchObject({ status: 503, code: 'upstream_unavailable' });
  expect(String((failure as Error).message)).not.toContain('127.0.0.1');
  await redis.stop();
});

it('npm start with STORE=redis and an unreachable Redis stops, naming REDIS_URL but not its value', async () => {
  // PORT is never bound: the process stops before it listens.
  const run = await runScript('start', [], {
    STORE: 'redis',
    REDIS_URL: 'redis://:hunter2-secret@127.0.0.1:1',
    BACKENDS: 'memory',
    PORT: '1',
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('REDIS_URL');
  expect(run.stdout + run.stderr).not.toContain('hunter2-secret');
}, 60_000);
