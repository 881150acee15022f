import { liveMigrationTarget } from './live.js';
import { runConformanceSuite } from './suite.js';

// The live migration open2b -> scayle, through the whole suite.
runConformanceSuite(liveMigrationTarget('open2b', 'scayle'));
