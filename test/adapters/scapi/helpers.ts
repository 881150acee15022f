import { createScapiAdapter, scapiBackend, type ScapiAdapterDeps } from '../../../adapters/scapi/index.js';
import type { ScapiOptions } from '../../../adapters/scapi/options.js';
import { createScapiEmulator } from '../../../emulators/scapi/index.js';
import type { EmulatorOptions } from '../../../emulators/shared/types.js';
import { capturingLog, context } from '../sfcc/helpers.js';
import { recordingFetch, type Recorded } from './fixtures/spec-check.js';

export { addressInput, byId, capturingLog, context, customerInput, failure } from '../sfcc/helpers.js';

export const ORIGIN = 'http://scapi.test';

/** A scapi adapter on an in-process emulator; every request recorded at the fetch layer. */
export function setup(
  opts: { emulator?: EmulatorOptions; options?: Partial<ScapiOptions>; deps?: Partial<ScapiAdapterDeps> } = {},
) {
  const emulator = createScapiEmulator(opts.emulator ?? { seed: false });
  const options = { ...scapiBackend.parseOptions(emulator.connectionEnv(ORIGIN)), retryLimit: 0, ...opts.options };
  const sent: Recorded[] = [];
  const lines: string[] = [];
  const adapter = createScapiAdapter(options, {
    fetch: recordingFetch(emulator.fetch, sent),
    log: capturingLog(lines),
    ...opts.deps,
  });
  return { emulator, adapter, options, sent, lines, ...context(lines) };
}
