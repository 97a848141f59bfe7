import { fileURLToPath } from 'node:url';
import { runMigrations } from '@castor/service-kit';
import { globalSetupFor } from '@castor/test-support/global-setup';

// The gateway fronts core-service, e14-service and dashboard-ia: their databases, prepared as their own tests do.
const migrations = (service: string) => fileURLToPath(new URL(`../../services/${service}/migrations`, import.meta.url));
const template = (name: string, service: string) => {
  const folder = migrations(service);
  return {
    name,
    migrationsFolder: folder,
    migrate: (pool: Parameters<typeof runMigrations>[0]) => runMigrations(pool, folder),
  };
};

export default globalSetupFor([
  template('e14', 'e14-service'),
  template('dashboard', 'dashboard-ia'),
  template('core', 'core-service'),
]);
