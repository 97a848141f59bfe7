import { defineProject } from 'vitest/config';

// The end-to-end suite: real headless Chromium against the real services, started once for the
// whole project by the global setup (the slow part: the demo election loads in a minute or two).
export default defineProject({
  test: {
    name: 'web-e2e',
    include: ['e2e/**/*.spec.ts'],
    globalSetup: ['./e2e/global-setup.ts'],
    // One browser at a time on a 2-core machine, beside the services it drives.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
