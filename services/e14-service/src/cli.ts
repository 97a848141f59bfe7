/**
 * e14-service command line, for operators:
 *
 *   cli import-divipol --document divipol.json
 *   cli import-divipol --election election.json (--mesas mesas.csv | --registraduria index.json) [--candidates candidatos.csv]
 *       Imports a divipol straight into DATABASE_URL (migrating it first, as DATABASE_MIGRATION_URL's
 *       role when set); same code and idempotency as POST /api/elections/import. A national index
 *       is large: prefer this to HTTP.
 *   cli verify-audit export-1.json [export-2.json ...] [--public-key KEY] [--head-seq N --head-hash H]
 *       Verifies an audit export (GET /api/audit/export pages, in order) offline, from genesis to
 *       the exported head, exactly as GET /api/audit/verify checks the chain. Needs no database.
 *       Checks the export's signed head with KEY (base64 SPKI DER or PEM, the `publicKey` of a head
 *       you trust), and that the chain still holds a head published earlier (seq N, hash H).
 *   cli verify-audit-db [--head-seq N --head-hash H]
 *       GET /api/audit/verify straight on DATABASE_URL (chain, forms, truths, rollups), printed with
 *       the verified head signed by E14_AUDIT_SIGNING_KEY when set. Exits 1 when it is not ok.
 *   cli rollback-model <version>
 *       POST /api/pipeline/model/rollback straight on DATABASE_URL (same code, audited as system:cli):
 *       makes an earlier recognizer model version the active one; every replica reads with it
 *       within E14_MODEL_POLL_MS. Prints the answer; exits 1 with the error code when refused.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  auditExportResponseSchema,
  auditVerifyQuerySchema,
  type Candidate,
  divipolDocumentSchema,
  electionSchema,
  modelRollbackRequestSchema,
} from '@castor/contracts';
import { AppError, applyMigrations, createPool, envUrl, loadConfig } from '@castor/service-kit';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { APPEND_ONLY_TABLES, MIGRATIONS_FOLDER } from './app.js';
import { e14EnvSchema } from './config.js';
import { AuditRepository } from './features/audit/audit.repository.js';
import { verifyAudit } from './features/audit/audit.service.js';
import { verifyExportPages } from './features/audit/export-verification.js';
import { importDivipol } from './features/elections/divipol-import.js';
import { ModelsRepository } from './features/models/models.repository.js';
import { ModelMetrics, ModelsService } from './features/models/models.service.js';
import { AuditHeadSigner } from './shared/audit-head.js';
import {
  buildDivipolDocument,
  candidatesFromCsv,
  fromRegistraduriaIndex,
  mesasFromCsv,
} from './shared/divipol-formats.js';

const read = (path: string) => readFileSync(path, 'utf8');

async function importCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      document: { type: 'string' },
      election: { type: 'string' },
      mesas: { type: 'string' },
      registraduria: { type: 'string' },
      candidates: { type: 'string' },
    },
  });
  let document: z.output<typeof divipolDocumentSchema>;
  if (values.document) document = divipolDocumentSchema.parse(JSON.parse(read(values.document)));
  else {
    if (!values.election || !(values.mesas || values.registraduria))
      throw new Error('give --document, or --election with --mesas or --registraduria');
    const election = electionSchema.parse(JSON.parse(read(values.election)));
    const mesas = values.mesas
      ? mesasFromCsv(read(values.mesas))
      : fromRegistraduriaIndex(JSON.parse(read(values.registraduria ?? '')));
    const candidates: Candidate[] = values.candidates ? candidatesFromCsv(read(values.candidates)) : [];
    document = buildDivipolDocument(election, mesas, candidates);
  }
  const config = loadConfig(
    'e14-service cli',
    z.object({
      DATABASE_URL: envUrl(['postgres', 'postgresql']),
      DATABASE_MIGRATION_URL: envUrl(['postgres', 'postgresql']).optional(),
    }),
  );
  const connection = { statementTimeoutMs: 600_000, applicationName: 'e14-cli' };
  const pool = createPool({ ...connection, connectionString: config.DATABASE_URL, poolMax: 2 });
  try {
    // As the service does at start: the owner role migrates and the runtime role imports.
    await applyMigrations(
      pool,
      {
        ...connection,
        migrationsFolder: MIGRATIONS_FOLDER,
        migrationConnectionString: config.DATABASE_MIGRATION_URL,
        appendOnlyTables: APPEND_ONLY_TABLES,
      },
      { info: () => {}, warn: (message) => process.stderr.write(`${message}\n`) },
    );
    const result = await importDivipol(pool, document, 'system:cli');
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await pool.end();
  }
}

const publishedHeadOptions = { 'head-seq': { type: 'string' }, 'head-hash': { type: 'string' } } as const;

/** The head published earlier given as --head-seq/--head-hash, validated as the verify endpoint does. */
const publishedHeadQuery = (values: { 'head-seq'?: string; 'head-hash'?: string }) =>
  auditVerifyQuerySchema.parse({ headSeq: values['head-seq'], headHash: values['head-hash'] });

function print<Answer extends { ok: boolean }>(result: Answer) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!result.ok) process.exitCode = 1;
}

function verifyCommand(args: string[]) {
  const { values, positionals: files } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'public-key': { type: 'string' }, ...publishedHeadOptions },
  });
  if (files.length === 0) throw new Error('give the export files, in order');
  const pages = files.map((file) => auditExportResponseSchema.parse(JSON.parse(read(file))));
  print(verifyExportPages(pages, { publicKey: values['public-key'], ...publishedHeadQuery(values) }));
}

async function verifyDatabaseCommand(args: string[]) {
  const { values } = parseArgs({ args, options: publishedHeadOptions });
  const query = publishedHeadQuery(values);
  const config = loadConfig(
    'e14-service cli',
    z.object({
      DATABASE_URL: envUrl(['postgres', 'postgresql']),
      E14_AUDIT_SIGNING_KEY: e14EnvSchema.shape.E14_AUDIT_SIGNING_KEY,
    }),
  );
  const pool = cliPool(config.DATABASE_URL, 600_000);
  try {
    const verification = await verifyAudit(new AuditRepository(pool), query);
    const signedHead = new AuditHeadSigner(config.E14_AUDIT_SIGNING_KEY).sign(verification.head);
    print({ ...verification, signedHead });
  } finally {
    await pool.end();
  }
}

/** A small pool for one command, named in pg_stat_activity. */
function cliPool(connectionString: string, statementTimeoutMs: number) {
  return createPool({ connectionString, poolMax: 2, statementTimeoutMs, applicationName: 'e14-cli' });
}

/** `cli rollback-model <version>`: the rollback route's service on DATABASE_URL; the exit code says if it was refused. */
async function rollbackModelCommand(args: string[]) {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const version = modelRollbackRequestSchema.parse({ version: Number(positionals[0]) }).version;
  const config = loadConfig('e14-service cli', z.object({ DATABASE_URL: envUrl(['postgres', 'postgresql']) }));
  const pool = cliPool(config.DATABASE_URL, 60_000);
  try {
    // The replicas poll the registry: nothing here has read threads to tell.
    const models = new ModelsService({
      repository: new ModelsRepository(pool),
      metrics: new ModelMetrics(new Registry()),
      onActiveChanged: async () => {},
    });
    process.stdout.write(`${JSON.stringify(await models.rollback('system:cli', version), null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    process.stderr.write(`${error.code}: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'import-divipol') await importCommand(rest);
else if (command === 'verify-audit') verifyCommand(rest);
else if (command === 'verify-audit-db') await verifyDatabaseCommand(rest);
else if (command === 'rollback-model') await rollbackModelCommand(rest);
else {
  process.stderr.write(
    'usage: cli import-divipol … | cli verify-audit export.json … | cli verify-audit-db | cli rollback-model <version>  (see src/cli.ts)\n',
  );
  process.exitCode = 2;
}
