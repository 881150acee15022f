import { memoryBackend } from './memory/index.js';
import { open2bBackend } from './open2b/index.js';
import { scapiBackend } from './scapi/index.js';
import { scayleBackend } from './scayle/index.js';
import { sfccBackend } from './sfcc/index.js';
import type { BackendDefinition } from './types.js';

/** Every backend the gateway knows, by its name (BACKEND in each platform folder), as used in BACKENDS and /v1/backends/{backend}. */
export const backendDefinitions: Record<string, BackendDefinition<any>> = Object.fromEntries(
  [sfccBackend, scayleBackend, open2bBackend, scapiBackend, memoryBackend].map((definition) => [
    definition.name,
    definition,
  ]),
);
