// PLACEHOLDER until the scayle adapter lands (issue): replaced by the real factory.
import { ConfigError, type BackendDefinition } from '../types.js';

export const scayleBackend: BackendDefinition<Record<string, never>> = {
  name: 'scayle',
  baseUrlVariable: 'SCAYLE_BASE_URL',
  parseOptions: () => ({}),
  create: () => {
    throw new ConfigError('BACKENDS', 'the scayle backend is not implemented yet');
  },
};
