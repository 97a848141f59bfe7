import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { ConfigError } from './config.js';

/**
 * Starts a built app and stops it gracefully on SIGINT/SIGTERM: stop accepting, drain in-flight
 * requests, close pools (onClose hooks), then exit. A bad configuration exits with code 78
 * (EX_CONFIG) and a message naming the variables, without a stack trace.
 */
export async function runService(
  build: () => Promise<FastifyInstance>,
  listen: () => { host: string; port: number },
): Promise<void> {
  let app: FastifyInstance;
  try {
    app = await build();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'fatal error, shutting down');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  await app.listen(listen());
}
