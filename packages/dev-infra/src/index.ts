export * from './allocator.js';
export * from './embedded-postgres.js';
export * from './ports.js';
export * from './redis-server.js';
export * from './supervisor.js';
