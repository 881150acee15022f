import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { sfccAccounts } from './account-targets.js';
import { runAccountConformance } from './accounts.js';
import { runSessionConformance } from './sessions.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the OCAPI emulator over real HTTP on loopback (Data API configured).
const target = loopbackEmulator('sfcc', () => createSfccEmulator());
runConformanceSuite(target);
runSessionConformance(target);
runAccountConformance(sfccAccounts);
