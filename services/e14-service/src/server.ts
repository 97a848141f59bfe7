import { runService } from '@castor/service-kit';
import { buildE14App } from './app.js';
import { loadE14Config } from './config.js';

let listen = { host: '0.0.0.0', port: 5002 };
await runService(
  async () => {
    const config = loadE14Config();
    listen = { host: config.HOST, port: config.PORT };
    return (await buildE14App(config)).app;
  },
  () => listen,
);
