import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2ePlatforms, type RunningGateway, spawnScript, startGateway } from './support.js';

/**
 * EMULATOR_FAULTS does what the README says, for every emulator: given to `npm start` (embedded
 * emulators) and to `npm run emulator -- <platform>` (served over HTTP), a platform that answers
 * every call with 503 makes the gateway answer with that 503 after its retries. Only the
 * documented variables are used: no backdoor, no in-process injection.
 */
const FAULTS = JSON.stringify([{ status: 503, rate: 1 }]);
const names = e2ePlatforms.map((p) => p.name);
// The gateway's own budgets would only pace the calls; this is about what the platform answers.
const unpaced = Object.fromEntries(names.map((name) => [`UPSTREAM_BUDGET_${name.toUpperCase()}`, 'off']));

/** `npm run emulator -- <name>` as a user runs it; resolves with the environment it prints. */
function serveEmulator(name: string, env: Record<string, string>) {
  const child = spawnScript('emulator', [name], env);
  // The variables it prints: those its emulator's connectionEnv names.
  const expected = Object.keys(
    e2ePlatforms
      .find((p) => p.name === name)!
      .create()
      .connectionEnv('http://x'),
  );
  let out = '';
  return new Promise<{ env: Record<string, string>; child: ChildProcess }>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const printed = Object.fromEntries(
        [...out.matchAll(/^ {2}export (\w+)=(".*")$/gm)].map((m) => [m[1]!, JSON.parse(m[2]!) as string]),
      );
      if (expected.every((key) => key in printed)) resolve({ env: printed, child });
    });
    child.on('exit', (code) => reject(new Error(`npm run emulator -- ${name} exited with ${code}: ${out}`)));
  });
}

/** What the gateway answers for a page of customers on each backend. */
async function readEach(gateway: RunningGateway) {
  return Object.fromEntries(
    await Promise.all(
      names.map(async (name) => {
        const response = await fetch(`${gateway.origin}/v1/backends/${name}/customers?limit=1`);
        return [name, { status: response.status, body: (await response.json()) as Record<string, unknown> }] as const;
      }),
    ),
  );
}

/** Each backend's problem carries the platform's 503 (502 `upstream_error` or 503 `upstream_unavailable`, as its adapter maps it). */
const expectPlatform503 = (answers: Awaited<ReturnType<typeof readEach>>) => {
  for (const name of names) {
    expect(answers[name], name).toMatchObject({ body: { backend: name, upstream: { status: 503 } } });
    expect([502, 503], name).toContain(answers[name]!.status);
  }
};

describe('EMULATOR_FAULTS', () => {
  let embedded: RunningGateway | undefined;
  let served: RunningGateway | undefined;
  const emulators: ChildProcess[] = [];
  beforeAll(async () => {
    const started = await Promise.all(names.map((name) => serveEmulator(name, { EMULATOR_FAULTS: FAULTS })));
    emulators.push(...started.map((s) => s.child));
    const platformEnv = Object.assign({}, ...started.map((s) => s.env)) as Record<string, string>;
    [embedded, served] = await Promise.all([
      startGateway({ BACKENDS: names.join(','), EMULATOR_FAULTS: FAULTS, LOG_LEVEL: 'warn', ...unpaced }),
      startGateway({ BACKENDS: names.join(','), LOG_LEVEL: 'warn', ...unpaced, ...platformEnv }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([embedded?.stop(), served?.stop()]);
    for (const child of emulators) if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
  });

  it('given to npm start, makes every embedded emulator answer 503, and the gateway says so', async () => {
    expectPlatform503(await readEach(embedded!));
  });

  it('given to npm run emulator -- <platform>, makes every served emulator answer 503, and the gateway says so', async () => {
    expectPlatform503(await readEach(served!));
  });
});
