import { createOpen2bEmulator } from '../emulators/open2b/index.js';
import { createScapiEmulator } from '../emulators/scapi/index.js';
import { createScayleEmulator } from '../emulators/scayle/index.js';
import { createSfccEmulator } from '../emulators/sfcc/index.js';
import type { EmulatorFactories } from './deps.js';

/**
 * The emulators a backend runs against when its base URL is not set (the zero-config default).
 * They are reached in-process, so the same wiring works on Node and on Workers.
 */
export const embeddedEmulators: EmulatorFactories = {
  sfcc: createSfccEmulator,
  scayle: createScayleEmulator,
  open2b: createOpen2bEmulator,
  scapi: createScapiEmulator,
};
