import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the Open2b emulator over real HTTP on loopback.
runConformanceSuite(loopbackEmulator('open2b', () => createOpen2bEmulator()));
