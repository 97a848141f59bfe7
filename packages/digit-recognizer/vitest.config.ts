import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'digit-recognizer',
    testTimeout: 60_000,
  },
});
