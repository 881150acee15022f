import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { open2bAccounts } from './account-targets.js';
import { runAccountConformance } from './accounts.js';
import { runSessionConformance } from './sessions.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the Open2b emulator over real HTTP on loopback.
const target = loopbackEmulator('open2b', () => createOpen2bEmulator());
runConformanceSuite(target);
runSessionConformance(target);
runAccountConformance(open2bAccounts);
