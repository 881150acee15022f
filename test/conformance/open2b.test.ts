import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { runConformanceSuite } from './suite.js';

// The Open2b adapter against its emulator over real HTTP on loopback.
runConformanceSuite({
  backend: 'open2b',
  async setup() {
    const emulator = createOpen2bEmulator();
    const server = await serveOnLoopback(emulator.app);
    return { env: { BACKENDS: 'open2b', ...emulator.connectionEnv(server.origin) }, teardown: () => server.close() };
  },
});
