import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'ai-providers',
    // Real Redis for the response cache (REDIS_URL, else a local redis-server); no database needed.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
