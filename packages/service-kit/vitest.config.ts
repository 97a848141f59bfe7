import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'service-kit', globalSetup: ['./test/global-setup.ts'] },
});
