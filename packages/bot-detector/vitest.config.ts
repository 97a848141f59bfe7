import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bot-detector',
    testTimeout: 20_000,
  },
});
