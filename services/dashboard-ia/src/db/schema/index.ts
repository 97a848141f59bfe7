/** The dashboard_db schema, one file per aggregate; drizzle-kit and createDb read it from here. */

export * from './advisor.js';
export * from './analyses.js';
export * from './candidates.js';
export * from './chat.js';
export * from './documents.js';
export * from './polls.js';
export * from './posts.js';
export * from './team.js';
export * from './topics.js';
export * from './x.js';
