import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'digit-recognizer-training',
    testTimeout: 60_000,
  },
});
