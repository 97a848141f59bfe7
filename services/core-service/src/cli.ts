/**
 * core-service administration from a shell (same configuration as the service):
 *   create-admin --email <address> [--name <name>]   password from ADMIN_PASSWORD, else generated and printed once
 *   rotate-keys                                       publish a new signing key (activates after the pre-publication delay)
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { emailSchema } from '@castor/contracts';
import { ConfigError } from '@castor/service-kit';
import { buildCoreApp } from './app.js';
import { loadCoreConfig } from './config.js';

const USAGE = `usage:
  core-service create-admin --email <address> [--name <name>]
  core-service rotate-keys`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' } },
  });
  const command = positionals[0];
  if (command !== 'create-admin' && command !== 'rotate-keys') {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const config = loadCoreConfig({ LOG_LEVEL: 'warn', ...process.env });
  const core = await buildCoreApp(config);
  try {
    await core.app.ready();
    if (command === 'rotate-keys') {
      const outcome = await core.keys.rotate();
      process.stdout.write(`new key ${outcome.nextKid} published; it signs from ${outcome.activatesAt}\n`);
      return 0;
    }
    const email = emailSchema.safeParse(values.email ?? '');
    if (!email.success) {
      process.stderr.write(`--email must be a valid email address\n${USAGE}\n`);
      return 64;
    }
    const generated = !process.env.ADMIN_PASSWORD;
    const password = process.env.ADMIN_PASSWORD ?? randomBytes(18).toString('base64url');
    const outcome = await core.users.ensureAdmin(email.data, password, values.name);
    if (outcome === 'exists') {
      process.stdout.write(`${email.data} is already an admin; nothing changed\n`);
    } else {
      process.stdout.write(
        `admin ${email.data} created${generated ? `\npassword (shown once, store it now): ${password}` : ''}\n`,
      );
    }
    return 0;
  } finally {
    await core.app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
