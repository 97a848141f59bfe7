import { type ServiceBehindCore, startServiceBehindCore } from '@castor/core-service/testing';
import { buildE14App, type E14App } from '../src/app.js';
import { type E14Config, loadE14Config } from '../src/config.js';

export type E14UnderTest = ServiceBehindCore<E14Config, E14App>;

/**
 * A real core-service and a real e14-service, each on a fresh database and its own Redis key
 * prefix (E14_TEST_LOG=1 shows the service's log while debugging a test).
 */
export function startE14ForTests(env: Record<string, string> = {}): Promise<E14UnderTest> {
  return startServiceBehindCore(
    {
      database: 'e14',
      logVariable: 'E14_TEST_LOG',
      loadConfig: loadE14Config,
      build: buildE14App,
      defaults: { E14_FORENSICS_ENABLED: 'false', E14_FORENSICS_DEBOUNCE_MS: '0' },
    },
    env,
  );
}
