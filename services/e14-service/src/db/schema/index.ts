/** The e14_db schema, one file per aggregate; drizzle-kit and createDb read it from here. */

export * from './alerts.js';
export * from './audit.js';
export * from './documents.js';
export * from './elections.js';
export * from './forensics.js';
export * from './forms.js';
export * from './recognizer-models.js';
export * from './reconciliation.js';
export * from './review.js';
export * from './tallies.js';
export * from './territory.js';
export * from './witnesses.js';
