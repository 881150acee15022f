import { describe, expect, it } from 'vitest';
import { freePort, spawnScript } from './support.js';

/**
 * `npm start` behind a pipe whose reader dies with it (`npm start | log-shipper`, both stopped at
 * once by a supervisor): SIGTERM must still end the gateway, with log lines still buffered.
 */
describe('npm start, stopped while its stdout reader is gone', () => {
  it('exits on SIGTERM instead of retrying the write forever', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = spawnScript('start', [], { PORT: String(port), LOG_LEVEL: 'info' });
    child.stderr!.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const origin = `http://127.0.0.1:${port}`;
      while (
        !(await fetch(`${origin}/health`).then(
          (r) => r.ok,
          () => false,
        ))
      )
        await new Promise((r) => setTimeout(r, 100));
      child.stdout!.destroy(); // the reader is gone: the next write to the pipe fails with EPIPE
      expect((await fetch(`${origin}/v1/customers?limit=1`)).status).toBe(200); // its access line is now buffered
      process.kill(-child.pid!, 'SIGTERM');
      // The whole process group, not only `sh`: the shell ends at once, the gateway after its shutdown.
      const groupAlive = () => {
        try {
          process.kill(-child.pid!, 0);
          return true;
        } catch {
          return false;
        }
      };
      await exited;
      // It gives its log lines at most 2 s to drain; 20 s tells "exits" from "retries forever" on a slow machine too.
      const deadline = Date.now() + 20_000;
      while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(groupAlive(), 'the gateway was still running 20 s after SIGTERM').toBe(false);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
});
