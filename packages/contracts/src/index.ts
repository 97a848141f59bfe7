export * from './auth.js';
export * from './common.js';
export * from './e14/index.js';
export * from './errors.js';
export * from './leads.js';
