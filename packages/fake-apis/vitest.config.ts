import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'fake-apis',
    testTimeout: 30_000,
  },
});
