export * from './bots.js';
export * from './errors.js';
