import { memoryAccounts } from './account-targets.js';
import { runAccountConformance } from './accounts.js';
import { runSessionConformance } from './sessions.js';
import { runConformanceSuite, type ConformanceTarget } from './suite.js';

const target: ConformanceTarget = { backend: 'memory', setup: async () => ({ env: { BACKENDS: 'memory' } }) };
runConformanceSuite(target);
runSessionConformance(target);
runAccountConformance(memoryAccounts);
