// PLACEHOLDER until the sfcc adapter lands (issue): replaced by the real factory.
import { ConfigError, type BackendDefinition } from '../types.js';

export const sfccBackend: BackendDefinition<Record<string, never>> = {
  name: 'sfcc',
  baseUrlVariable: 'SFCC_BASE_URL',
  parseOptions: () => ({}),
  create: () => {
    throw new ConfigError('BACKENDS', 'the sfcc backend is not implemented yet');
  },
};
