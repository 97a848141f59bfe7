import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'forecast',
    testTimeout: 30_000,
  },
});
