import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the OCAPI emulator over real HTTP on loopback (Data API configured).
runConformanceSuite(loopbackEmulator('sfcc', () => createSfccEmulator()));
