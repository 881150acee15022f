export * from './common.js';
export * from './address.js';
export * from './customer.js';
export * from './page.js';
export * from './problem.js';
export * from './capabilities.js';
export * from './accounts.js';
export * from './events.js';
