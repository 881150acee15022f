import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores in CI: forks keep workerd and loopback servers isolated per file.
    pool: 'forks',
    // Vitest's default is one fork per core minus one: a single fork on CI's 2 cores. Most files
    // wait on child processes, loopback servers and workerd rather than compute, so 3 overlap well.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
  },
});
