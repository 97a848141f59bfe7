import { globalSetupFor } from '@castor/test-support/global-setup';

// Only the shared Redis (and PostgreSQL) servers; the kit has no schema of its own.
export default globalSetupFor([]);
