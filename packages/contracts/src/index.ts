export * from './auth.js';
export * from './common.js';
export * from './core/errors.js';
export * from './dashboard/index.js';
export * from './e14/index.js';
export * from './error-registry.js';
export * from './errors.js';
export * from './leads.js';
