import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e14-synth-sheets',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
