import { fileURLToPath } from 'node:url';
import { runMigrations } from '@castor/service-kit';
import { globalSetupFor } from '@castor/test-support/global-setup';

const coreMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export default globalSetupFor([
  { name: 'core', migrationsFolder: coreMigrations, migrate: (pool) => runMigrations(pool, coreMigrations) },
]);
