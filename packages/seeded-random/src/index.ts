export { createKeyedRng, createRng, Rng } from './rng.js';
