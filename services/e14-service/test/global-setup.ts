import { fileURLToPath } from 'node:url';
import { runMigrations } from '@castor/service-kit';
import { globalSetupFor } from '@castor/test-support/global-setup';

const e14Migrations = fileURLToPath(new URL('../migrations', import.meta.url));
const coreMigrations = fileURLToPath(new URL('../../core-service/migrations', import.meta.url));

export default globalSetupFor([
  { name: 'e14', migrationsFolder: e14Migrations, migrate: (pool) => runMigrations(pool, e14Migrations) },
  { name: 'core', migrationsFolder: coreMigrations, migrate: (pool) => runMigrations(pool, coreMigrations) },
]);
