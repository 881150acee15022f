import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { runConformanceSuite } from './suite.js';

// The gateway talks to the OCAPI emulator over real HTTP on loopback (Data API configured).
runConformanceSuite({
  backend: 'sfcc',
  async setup() {
    const emulator = createSfccEmulator();
    const server = await serveOnLoopback(emulator.app);
    return { env: { BACKENDS: 'sfcc', ...emulator.connectionEnv(server.origin) }, teardown: () => server.close() };
  },
});
