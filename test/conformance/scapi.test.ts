import { createScapiEmulator } from '../../emulators/scapi/index.js';
import { scapiAccounts } from './account-targets.js';
import { runAccountConformance } from './accounts.js';
import { runSessionConformance } from './sessions.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the SCAPI emulator (Account Manager, Admin Customers, SLAS, Shopper Customers) over real HTTP on loopback.
const target = loopbackEmulator('scapi', () => createScapiEmulator());
runConformanceSuite(target);
runSessionConformance(target);
runAccountConformance(scapiAccounts);
