import { runService } from '@castor/service-kit';
import { buildCoreApp } from './app.js';
import { loadCoreConfig } from './config.js';

let listen = { host: '0.0.0.0', port: 5001 };
await runService(
  async () => {
    const config = loadCoreConfig();
    listen = { host: config.HOST, port: config.PORT };
    return (await buildCoreApp(config)).app;
  },
  () => listen,
);
