import { type ServiceBehindCore, startServiceBehindCore } from '@castor/core-service/testing';
import { buildDashboardApp, type DashboardApp } from '../src/app.js';
import { type DashboardConfig, loadDashboardConfig } from '../src/config.js';

export type DashboardUnderTest = ServiceBehindCore<DashboardConfig, DashboardApp>;

/**
 * A real core-service and a real dashboard-ia, each on a fresh database and its own Redis key
 * prefix (DASHBOARD_TEST_LOG=1 shows the service's log while debugging a test).
 */
export function startDashboardForTests(env: Record<string, string> = {}): Promise<DashboardUnderTest> {
  return startServiceBehindCore(
    {
      database: 'dashboard',
      logVariable: 'DASHBOARD_TEST_LOG',
      loadConfig: loadDashboardConfig,
      build: buildDashboardApp,
      defaults: { RATE_LIMIT_DASHBOARD_READ: '1000000/minute' },
    },
    env,
  );
}
