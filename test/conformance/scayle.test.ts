import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the SCAYLE emulator over real HTTP on loopback.
runConformanceSuite(loopbackEmulator('scayle', () => createScayleEmulator()));
