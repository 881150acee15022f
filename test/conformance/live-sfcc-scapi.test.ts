import { liveMigrationTarget } from './live.js';
import { runConformanceSuite } from './suite.js';

// The live migration sfcc -> scapi, through the whole suite.
runConformanceSuite(liveMigrationTarget('sfcc', 'scapi'));
