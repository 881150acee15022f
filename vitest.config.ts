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
    // Child processes, not worker threads: workerd, loopback servers and SIGKILLed children per fork.
    pool: 'forks',
    // Vitest's default is one fork per core minus one: a single fork on CI's 2 cores. Most files
    // wait on child processes, loopback servers and workerd rather than compute, so 3 overlap well.
    // Each fork runs file after file (not a process per file): loading the modules once per fork
    // rather than once per file takes about a minute off `npm test` on 2 cores (210 s → 130–146 s).
    // Nothing a file needs is global but Request and Response, which each file gets back as a
    // process starts with them (the setup file); a test that changes another global (a stubbed
    // fetch, fake timers) restores it, or the files after it in its fork see it. All three forks
    // are kept: tinypool 1.1 retires idle forks beyond minForks, and with minForks 1 five runs of
    // six ended "Terminating worker thread", a file unrun and its fork left spinning.
    poolOptions: { forks: { maxForks: 3, minForks: 3, isolate: false } },
    setupFiles: ['test/support/native-globals.ts'],
  },
});
