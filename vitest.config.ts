import { defineConfig } from 'vitest/config';
import { KY_MODULE, patchKySource } from './scripts/ky-build-patch.mjs';

const root = import.meta.dirname;

export default defineConfig({
  // In-process tests run ky as npm start's build does (scripts/ky-build-patch.mjs).
  plugins: [
    { name: 'ky-construction', enforce: 'pre', load: (id) => (KY_MODULE.test(id) ? patchKySource(id, root) : null) },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // ky through Vite, so that the plugin above applies to it.
    server: { deps: { inline: ['ky'] } },
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores in CI: forks keep workerd and loopback servers isolated per file.
    pool: 'forks',
    // Vitest's default is one fork per core minus one: a single fork on CI's 2 cores. Most files
    // wait on child processes, loopback servers and workerd rather than compute, so 3 overlap well.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
  },
});
