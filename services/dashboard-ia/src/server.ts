import { runService } from '@castor/service-kit';
import { buildDashboardApp } from './app.js';
import { loadDashboardConfig } from './config.js';

let listen = { host: '0.0.0.0', port: 5003 };
await runService(
  async () => {
    const config = loadDashboardConfig();
    listen = { host: config.HOST, port: config.PORT };
    return (await buildDashboardApp(config)).app;
  },
  () => listen,
);
