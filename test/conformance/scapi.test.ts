import { createScapiEmulator } from '../../emulators/scapi/index.js';
import { loopbackEmulator, runConformanceSuite } from './suite.js';

// The gateway talks to the SCAPI emulator (Account Manager, Admin Customers, SLAS, Shopper Customers) over real HTTP on loopback.
runConformanceSuite(loopbackEmulator('scapi', () => createScapiEmulator()));
