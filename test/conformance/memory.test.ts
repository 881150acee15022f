import { runConformanceSuite } from './suite.js';

runConformanceSuite({ backend: 'memory', setup: async () => ({ env: { BACKENDS: 'memory' } }) });
