import { createClient } from 'redis';
import { GatewayError } from '../../adapters/errors.js';
import { bucketTtlMs, validateTake, validateWindow } from './bucket.js';
import { validateLogArgs } from './log.js';
import { type LogEntry, positiveTtl, type SharedStore } from './types.js';

export interface RedisStoreOptions {
  url: string;
  /** Every key of this deployment starts with it (several deployments or tests can share one Redis). */
  prefix: string;
  /** Told about connection errors (the client reconnects on its own). */
  onError?: (error: Error) => void;
}

// Lua lines setting `now` to the Redis server's clock in ms, so every instance agrees on time.
const NOW_MS_LUA = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;
// Compare-and-delete: a lease is released only by the holder whose token it still holds.
const DELETE_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Compare-and-extend: a lease is renewed only by the holder whose token it still holds.
const RENEW_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
// INCRBY keeps an existing key's TTL; a new key gets ours.
const INCREMENT = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;
// The token bucket of bucket.ts, on the server's clock so every instance agrees on time.
const TAKE = `local capacity, rate, cost, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
${NOW_MS_LUA}local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if state[1] then tokens = math.min(capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) / 1000 * rate) end
local allowed, retry = 0, 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 else retry = math.ceil((cost - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ttl)
return {allowed, math.floor(tokens), retry}`;

// The sliding-window log of memory.ts as a sorted set of allowed takes (score: server time in ms).
const TAKE_FROM_WINDOW = `local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
${NOW_MS_LUA}redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, math.max(1, tonumber(oldest[2]) + window - now)}`;

// Index sets as sorted sets scored by each member's expiry (server time); the key lives as long as
// its longest-lived member.
const ADD_TO_SET = `${NOW_MS_LUA}local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;
const SET_MEMBERS = `${NOW_MS_LUA}return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`;
// The ordered log of log.ts: a sorted set of "<id> <value>" members scored by seq, a hash id → seq
// (idempotent appends, lookups) and the last seq; seqs and trimming on the server's clock.
const APPEND_TO_LOG = `local seen = redis.call('HGET', KEYS[2], ARGV[1])
if seen then return {seen, 0} end
local ttl = tonumber(ARGV[3])
${NOW_MS_LUA}local seq = math.max(tonumber(redis.call('GET', KEYS[3]) or '0') + 1, now * 1000)
local text = string.format('%.0f', seq)
redis.call('ZADD', KEYS[1], text, ARGV[1] .. ' ' .. ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], text)
redis.call('SET', KEYS[3], text, 'PX', ttl)
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', (now - ttl) * 1000), 'LIMIT', 0, 100)
for _, member in ipairs(old) do redis.call('HDEL', KEYS[2], string.match(member, '^(%S+) ')) end
if #old > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #old - 1) end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return {text, 1}`;
const FIND_IN_LOG = `local seq = redis.call('HGET', KEYS[2], ARGV[1])
if not seq then return false end
local found = redis.call('ZRANGEBYSCORE', KEYS[1], seq, seq, 'LIMIT', 0, 1)
if #found == 0 then return false end
return {seq, found[1]}`;
// Same seq (score), same expiry (the sorted set's): the member is "<id> <value>", so a new value is a new member.
const REPLACE_IN_LOG = `local seq = redis.call('HGET', KEYS[2], ARGV[1])
if not seq then return 0 end
local found = redis.call('ZRANGEBYSCORE', KEYS[1], seq, seq, 'LIMIT', 0, 1)
if #found == 0 then return 0 end
redis.call('ZREM', KEYS[1], found[1])
redis.call('ZADD', KEYS[1], seq, ARGV[1] .. ' ' .. ARGV[2])
return 1`;

/** A log member is "<id> <value>". */
function logEntry(seq: number | string, member: string): LogEntry {
  const space = member.indexOf(' ');
  return { seq: Number(seq), id: member.slice(0, space), value: member.slice(space + 1) };
}

/**
 * The store for several Node instances: one Redis (node-redis client). Atomic steps are single
 * commands (SET NX PX) or Lua scripts. Without a connection, calls fail at once (no offline queue)
 * with a 503, rather than hanging until the request's deadline.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<SharedStore> {
  let started = false;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5_000,
      // At start-up a wrong REDIS_URL should stop the process, not hang it; later, keep reconnecting.
      reconnectStrategy: (retries, cause) => (!started && retries >= 3 ? cause : Math.min(100 * 2 ** retries, 2_000)),
    },
  });
  client.on('error', (error: Error) => options.onError?.(error));
  await client.connect();
  started = true;
  const key = (name: string) => `${options.prefix}${name}`;
  const logKeys = (log: string) => [key(`${log}|z`), key(`${log}|i`), key(`${log}|last`)];
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      // Not the URL: it may carry a password.
      throw new GatewayError('upstream_unavailable', 'the shared store (Redis) is unreachable', {
        cause: error,
        retryAfter: 1,
      });
    }
  };
  // Whole milliseconds: what PX and the scripts take.
  const positive = (ttlMs: number) => Math.ceil(positiveTtl(ttlMs));

  const takeWith = (script: string, name: string, args: (string | number)[]) =>
    call(async () => {
      const [allowed, remaining, retryAfterMs] = (await client.eval(script, {
        keys: [key(name)],
        arguments: args.map(String),
      })) as number[];
      return { allowed: allowed === 1, remaining: Number(remaining), retryAfterMs: Number(retryAfterMs) };
    });

  return {
    get: (name) => call(async () => (await client.get(key(name))) ?? undefined),
    set: (name, value, ttlMs) =>
      call(
        async () => void (await client.set(key(name), value, { expiration: { type: 'PX', value: positive(ttlMs) } })),
      ),
    setIfAbsent: (name, value, ttlMs) =>
      call(
        async () =>
          (await client.set(key(name), value, {
            condition: 'NX',
            expiration: { type: 'PX', value: positive(ttlMs) },
          })) === 'OK',
      ),
    delete: (name) => call(async () => void (await client.del(key(name)))),
    deleteIfEquals: (name, value) =>
      call(async () => Number(await client.eval(DELETE_IF_EQUALS, { keys: [key(name)], arguments: [value] })) === 1),
    renewIfEquals: (name, value, ttlMs) =>
      call(
        async () =>
          Number(
            await client.eval(RENEW_IF_EQUALS, { keys: [key(name)], arguments: [value, String(positive(ttlMs))] }),
          ) === 1,
      ),
    increment: async (name, by, ttlMs) => {
      if (!Number.isInteger(by)) throw new RangeError('increment takes whole numbers');
      return call(async () =>
        Number(await client.eval(INCREMENT, { keys: [key(name)], arguments: [String(by), String(positive(ttlMs))] })),
      );
    },
    async take(bucket, limit, cost = 1) {
      validateTake(limit, cost);
      return takeWith(TAKE, bucket, [limit.capacity, limit.refillPerSecond, cost, bucketTtlMs(limit)]);
    },
    async takeFromWindow(name, limit) {
      validateWindow(limit);
      return takeWith(TAKE_FROM_WINDOW, name, [limit.limit, Math.ceil(limit.windowMs), crypto.randomUUID()]);
    },
    addToSet: (name, member, ttlMs) =>
      call(
        async () =>
          void (await client.eval(ADD_TO_SET, { keys: [key(name)], arguments: [member, String(positive(ttlMs))] })),
      ),
    setMembers: (name) =>
      call(async () => (await client.eval(SET_MEMBERS, { keys: [key(name)], arguments: [] })) as string[]),
    removeFromSet: (name, member) => call(async () => void (await client.zRem(key(name), member))),
    async appendToLog(log, id, value, retentionMs) {
      validateLogArgs(log, id, retentionMs);
      const [seq, added] = (await call(() =>
        client.eval(APPEND_TO_LOG, { keys: logKeys(log), arguments: [id, value, String(positive(retentionMs))] }),
      )) as [string, number];
      return { seq: Number(seq), added: added === 1 };
    },
    async readLog(log, after, limit) {
      validateLogArgs(log);
      const found = await call(() =>
        client.zRangeByScoreWithScores(key(`${log}|z`), `(${after}`, '+inf', { LIMIT: { offset: 0, count: limit } }),
      );
      return found.map(({ value, score }) => logEntry(score, value));
    },
    async findInLog(log, id) {
      validateLogArgs(log, id);
      const found = (await call(() => client.eval(FIND_IN_LOG, { keys: logKeys(log), arguments: [id] }))) as
        | [string, string]
        | null;
      return found ? logEntry(found[0], found[1]) : undefined;
    },
    async countLog(log, after, cap) {
      validateLogArgs(log);
      return Math.min(cap, await call(() => client.zCount(key(`${log}|z`), `(${after}`, '+inf')));
    },
    async replaceInLog(log, id, value) {
      validateLogArgs(log, id);
      const replaced = await call(() => client.eval(REPLACE_IN_LOG, { keys: logKeys(log), arguments: [id, value] }));
      return Number(replaced) === 1;
    },
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
