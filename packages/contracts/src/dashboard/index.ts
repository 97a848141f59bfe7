export * from './candidates.js';
export * from './errors.js';
export * from './posts.js';
