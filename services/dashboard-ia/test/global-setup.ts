import { fileURLToPath } from 'node:url';
import { runMigrations } from '@castor/service-kit';
import { globalSetupFor } from '@castor/test-support/global-setup';

const dashboardMigrations = fileURLToPath(new URL('../migrations', import.meta.url));
const coreMigrations = fileURLToPath(new URL('../../core-service/migrations', import.meta.url));

export default globalSetupFor([
  {
    name: 'dashboard',
    migrationsFolder: dashboardMigrations,
    migrate: (pool) => runMigrations(pool, dashboardMigrations),
  },
  { name: 'core', migrationsFolder: coreMigrations, migrate: (pool) => runMigrations(pool, coreMigrations) },
]);
