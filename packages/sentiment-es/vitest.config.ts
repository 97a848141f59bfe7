import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'sentiment-es',
    testTimeout: 20_000,
  },
});
