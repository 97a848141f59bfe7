// Worker threads do not inherit tsx's loader when the service runs from source (tsx, vitest):
// register it here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./training-worker.js');
