import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { scayleAccounts } from './account-targets.js';
import { runAccountConformance } from './accounts.js';
import { runSessionConformance } from './sessions.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the SCAYLE emulator over real HTTP on loopback.
const target = loopbackEmulator('scayle', () => createScayleEmulator());
runConformanceSuite(target);
runSessionConformance(target);
runAccountConformance(scayleAccounts);
