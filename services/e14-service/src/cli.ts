/**
 * e14-service command line, for operators:
 *
 *   cli import-divipol --document divipol.json
 *   cli import-divipol --election election.json (--mesas mesas.csv | --registraduria index.json) [--candidates candidatos.csv]
 *       Imports a divipol straight into DATABASE_URL (migrating it first); same code and
 *       idempotency as POST /api/elections/import. A national index is large: prefer this to HTTP.
 *   cli verify-audit export-1.json [export-2.json ...]
 *       Verifies an audit export (GET /api/audit/export pages, in order) offline, from genesis to
 *       the exported head, exactly as GET /api/audit/verify does. Needs no database.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditExportResponseSchema, type Candidate, divipolDocumentSchema, electionSchema } from '@castor/contracts';
import { createPool, envUrl, loadConfig, runMigrations } from '@castor/service-kit';
import { z } from 'zod';
import { MIGRATIONS_FOLDER } from './app.js';
import { importDivipol } from './features/elections/divipol-import.js';
import { checkEntries, GENESIS_HASH } from './shared/audit-chain.js';
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
  const config = loadConfig('e14-service cli', z.object({ DATABASE_URL: envUrl(['postgres', 'postgresql']) }));
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    poolMax: 2,
    statementTimeoutMs: 600_000,
    applicationName: 'e14-cli',
  });
  try {
    await runMigrations(pool, MIGRATIONS_FOLDER);
    const result = await importDivipol(pool, document, 'system:cli');
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await pool.end();
  }
}

function verifyCommand(files: string[]) {
  if (files.length === 0) throw new Error('give the export files, in order');
  const pages = files.map((file) => auditExportResponseSchema.parse(JSON.parse(read(file))));
  // The newest page's head: entries must reach it exactly.
  const head = pages.at(-1)?.head ?? { seq: 0, hash: GENESIS_HASH };
  let position = { seq: 0, hash: GENESIS_HASH };
  for (const page of pages) {
    const { last, broken } = checkEntries(page.entries, position);
    if (broken) {
      process.stdout.write(`${JSON.stringify({ ok: false, firstBroken: broken }, null, 2)}\n`);
      process.exitCode = 1;
      return;
    }
    position = last;
  }
  const ok = position.seq === head.seq && position.hash === head.hash;
  process.stdout.write(`${JSON.stringify({ ok, entries: position.seq, head, reached: position }, null, 2)}\n`);
  if (!ok) process.exitCode = 1;
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'import-divipol') await importCommand(rest);
else if (command === 'verify-audit') verifyCommand(rest);
else {
  process.stderr.write('usage: cli import-divipol … | cli verify-audit export.json …  (see src/cli.ts)\n');
  process.exitCode = 2;
}
