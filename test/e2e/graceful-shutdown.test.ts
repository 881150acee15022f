import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2ePlatforms, freePort, logRecords, servePlatforms } from './support.js';

/**
 * package.json's start command run as a container runs it (no shell in between), so the signal
 * reaches the gateway itself and its exit code is the process's.
 */
function startDirectly(env: Record<string, string>) {
  const { start } = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts;
  const [program, ...args] = start.split(/\s+/);
  return spawn(program!, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * SIGTERM to `npm start` with requests in flight (SCAYLE on loopback answering slowly): /ready
 * turns 503 at once while requests are still taken (SHUTDOWN_DELAY_MS), then new connections are
 * refused, the requests in flight are answered 200, and the process exits 0.
 */
describe('npm start, SIGTERM with requests in flight', () => {
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;
  beforeAll(async () => {
    platforms = await servePlatforms(e2ePlatforms.filter((p) => p.name === 'scayle'));
  });
  afterAll(async () => platforms?.close());

  it('fails /ready first, finishes what is in flight, refuses new connections, exits 0', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const child = startDirectly({
      ...platforms.env,
      PORT: String(port),
      SHUTDOWN_DELAY_MS: '1500',
      SHUTDOWN_GRACE_MS: '20000',
      LOG_LEVEL: 'info',
    });
    const stdout: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString('utf8')));
    child.stderr!.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect
        .poll(
          () =>
            fetch(`${origin}/health`).then(
              (r) => r.status,
              () => 0,
            ),
          { timeout: 30_000, interval: 100 },
        )
        .toBe(200);
      expect((await fetch(`${origin}/ready`)).status).toBe(200);

      const { emulator, server } = platforms.served[0]!;
      emulator.faults.inject({ method: 'GET', path: '/customers/1', latencyMs: 2500 });
      const served = server.requestsServed;
      const inFlight = [1, 2, 3].map(() => fetch(`${origin}/v1/customers/1`));
      // The platform has all three: they are in flight in the gateway, waiting for its answer.
      await expect.poll(() => server.requestsServed - served, { timeout: 20_000, interval: 20 }).toBe(3);

      child.kill('SIGTERM');
      // Draining: the load balancer is told first, while requests are still answered.
      await expect
        .poll(
          () =>
            fetch(`${origin}/ready`).then(
              (r) => r.status,
              () => 0,
            ),
          { timeout: 10_000, interval: 20 },
        )
        .toBe(503);
      const draining = await fetch(`${origin}/ready`).then(
        (r) => r.json(),
        () => undefined,
      );
      if (draining) expect(draining).toEqual({ status: 'draining', checks: {} });
      // Then the listener closes: a new connection is refused while the three are still being answered.
      await expect
        .poll(
          () =>
            fetch(`${origin}/health`).then(
              () => 'answered',
              () => 'refused',
            ),
          { timeout: 15_000, interval: 20 },
        )
        .toBe('refused');

      const answers = await Promise.all(inFlight);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const answer of answers) expect(((await answer.json()) as { id: string }).id).toBe('1');
      expect(await exited).toBe(0);
      expect(logRecords(stdout).map((r) => r.msg)).toContain(
        'shutting down: /ready answers 503; requests in flight may finish',
      );
    } finally {
      platforms.served[0]!.emulator.faults.clear();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
