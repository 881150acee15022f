import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { runSessionConformance } from './sessions.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the SCAYLE emulator over real HTTP on loopback.
const target = loopbackEmulator('scayle', () => createScayleEmulator());
runConformanceSuite(target);
runSessionConformance(target);
