import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores in CI: forks keep workerd and loopback servers isolated per file.
    pool: 'forks',
  },
});
