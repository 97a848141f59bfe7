import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dashboard-ia',
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
