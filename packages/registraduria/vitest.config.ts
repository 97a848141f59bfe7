import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'registraduria',
    // Real Redis for the shared validator store (REDIS_URL, else a local redis-server); no database needed.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
