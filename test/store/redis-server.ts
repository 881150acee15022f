import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient } from 'redis';

/**
 * A real Redis for tests: REDIS_URL when set, else the one at 127.0.0.1:6379, else a
 * `redis-server` started here on a free loopback port (stopped by `stop`). `skip` says why none
 * was possible. Each test run then uses its own key prefix (`uniquePrefix`) and `removeKeys`.
 */
export async function redisForTests(): Promise<{ url: string; stop(): Promise<void> } | { skip: string }> {
  const candidates = process.env.REDIS_URL ? [process.env.REDIS_URL] : ['redis://127.0.0.1:6379'];
  for (const url of candidates) if (await answers(url)) return { url, stop: async () => {} };
  if (process.env.REDIS_URL) return { skip: 'REDIS_URL is set but does not answer PING' };
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', resolve);
    });
  } catch {
    return { skip: 'no Redis at 127.0.0.1:6379 and no redis-server to start (apt-get install redis-server)' };
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  return { url, stop: async () => void child.kill() };
}

async function answers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    if (client.isOpen) await client.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const uniquePrefix = (what: string) =>
  `test:${what}:${process.pid}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}:`;

/** Deletes every key under `prefix`. */
export async function removeKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length) await client.del(keys);
  } finally {
    await client.close();
  }
}

/** Every key under `prefix` and everything it holds, as text (to look for what must not be there). */
export async function dumpKeys(url: string, prefix: string): Promise<string> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    const lines: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      for (const key of batch) {
        const type = await client.type(key);
        const value =
          type === 'string'
            ? await client.get(key)
            : type === 'hash'
              ? await client.hGetAll(key)
              : type === 'zset'
                ? await client.zRange(key, 0, -1)
                : type === 'set'
                  ? await client.sMembers(key)
                  : await client.lRange(key, 0, -1);
        lines.push(`${key} ${JSON.stringify(value)}`);
      }
    return lines.join('\n');
  } finally {
    await client.close();
  }
}
