import { defineProject } from 'vitest/config';

// The app's pure logic (formatters, search parameters), run in node: no browser, no services.
export default defineProject({
  test: {
    name: 'web-unit',
    include: ['test/**/*.test.ts'],
  },
});
