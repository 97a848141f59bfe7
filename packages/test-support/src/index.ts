export {
  createRoleSeparatedDatabase,
  createTestDatabase,
  type RoleSeparatedDatabase,
  type TestDatabase,
  testRedis,
} from './database.js';
export { intersectionOverUnion, type Rect } from './geometry.js';
export { globalSetupFor } from './global-setup.js';
export type { TemplateSpec, TestInfrastructure } from './infrastructure.js';
