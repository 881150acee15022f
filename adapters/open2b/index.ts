// PLACEHOLDER until the open2b adapter lands (issue): replaced by the real factory.
import { ConfigError, type BackendDefinition } from '../types.js';

export const open2bBackend: BackendDefinition<Record<string, never>> = {
  name: 'open2b',
  baseUrlVariable: 'OPEN2B_BASE_URL',
  parseOptions: () => ({}),
  create: () => {
    throw new ConfigError('BACKENDS', 'the open2b backend is not implemented yet');
  },
};
