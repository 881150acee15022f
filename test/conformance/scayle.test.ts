import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { runConformanceSuite } from './suite.js';

// The gateway talks to the SCAYLE emulator over real HTTP on loopback.
runConformanceSuite({
  backend: 'scayle',
  async setup() {
    const emulator = createScayleEmulator();
    const server = await serveOnLoopback(emulator.app);
    return { env: { BACKENDS: 'scayle', ...emulator.connectionEnv(server.origin) }, teardown: () => server.close() };
  },
});
