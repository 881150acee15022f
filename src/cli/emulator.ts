/**
 * `npm run emulator -- <sfcc|scayle|open2b> [port]`: serves one platform emulator on loopback, for
 * developing against it with the vendor's own tools (curl, an SDK) or pointing a gateway at it.
 * Prints the environment that points the gateway's adapter at it. EMULATOR_FAULTS and
 * EMULATOR_RATE_LIMIT switch on fault injection and the platform's rate limit.
 */
import { ConfigError } from '../../adapters/errors.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { embeddedEmulators } from '../embedded.js';
import { parseEnv } from '../env.js';

const [name, port = '0'] = process.argv.slice(2);
const create = name ? embeddedEmulators[name] : undefined;
if (!create) {
  console.error(`usage: npm run emulator -- <${Object.keys(embeddedEmulators).join('|')}> [port]`);
  process.exit(2);
}
let config;
try {
  // The same EMULATOR_FAULTS / EMULATOR_RATE_LIMIT the gateway reads for its embedded emulators.
  config = parseEnv({ ...process.env, BACKENDS: name });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`configuration error: ${error.message}`);
  process.exit(2);
}
const emulator = create({ faults: config.emulatorFaults, rateLimit: config.emulatorRateLimit });
const running = await serveOnLoopback(emulator.app, Number(port));
console.log(`${name} emulator listening on ${running.origin}\nPoint the gateway at it with:\n`);
for (const [key, value] of Object.entries(emulator.connectionEnv(running.origin)))
  console.log(`  export ${key}=${JSON.stringify(value)}`);
