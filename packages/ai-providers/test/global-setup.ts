import { globalSetupFor } from '@castor/test-support/global-setup';

export default globalSetupFor([]);
