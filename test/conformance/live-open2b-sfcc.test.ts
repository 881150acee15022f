import { liveMigrationTarget } from './live.js';
import { runConformanceSuite } from './suite.js';

// The live migration open2b -> sfcc, through the whole suite.
runConformanceSuite(liveMigrationTarget('open2b', 'sfcc'));
