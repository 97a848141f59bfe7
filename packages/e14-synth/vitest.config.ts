import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e14-synth',
    testTimeout: 60_000,
  },
});
