/**
 * `npm run emulator -- <sfcc|scayle|open2b> [port]`: serves one platform emulator on loopback, for
 * developing against it with the vendor's own tools (curl, an SDK) or pointing a gateway at it.
 * Prints the environment that points the gateway's adapter at it.
 */
import { faultsFromEnv } from '../../emulators/shared/faults.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { embeddedEmulators } from '../embedded.js';

const [name, port = '0'] = process.argv.slice(2);
const create = name ? embeddedEmulators[name] : undefined;
if (!create) {
  console.error(`usage: npm run emulator -- <${Object.keys(embeddedEmulators).join('|')}> [port]`);
  process.exit(2);
}
const emulator = create({ faults: faultsFromEnv(process.env.EMULATOR_FAULTS) });
const running = await serveOnLoopback(emulator.app, Number(port));
console.log(`${name} emulator listening on ${running.origin}\nPoint the gateway at it with:\n`);
for (const [key, value] of Object.entries(emulator.connectionEnv(running.origin))) console.log(`  export ${key}=${JSON.stringify(value)}`);
