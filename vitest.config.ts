import { defineConfig } from 'vitest/config';

// One vitest run covers every package and service; each project's globalSetup prepares the real
// PostgreSQL and Redis it needs (see packages/test-support).
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'services/*/vitest.config.ts',
      'services/web/vitest.unit.config.ts',
      'nginx/vitest.config.ts',
    ],
    passWithNoTests: true,
  },
});
