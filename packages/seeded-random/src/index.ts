export { createKeyedRng, createRng, Rng } from './rng.js';
export { stratifiedFolds, stratifiedSplit } from './stratified.js';
