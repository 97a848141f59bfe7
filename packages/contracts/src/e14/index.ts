export * from './divipol.js';
export * from './election.js';
export * from './intake-api.js';
export * from './records-api.js';
export * from './rule-config.js';
export * from './rules.js';
export * from './submission.js';
export * from './territory.js';
