/**
 * Writes a synthetic election to a folder:
 *
 *   pnpm --filter @castor/e14-synth generate --seed 7 --scale demo --out /tmp/e14-demo
 *
 * divipol.json, submissions.ndjson, truth.ndjson, faults.json, preconteo.csv, escrutinio.csv and
 * summary.json, in one streaming pass (national scale never holds the sheets in memory).
 * Run with --help for every option.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { copySchema, corporationSchema, departamentoCodeSchema, MESA_COPIES } from '@castor/contracts';
import { z } from 'zod';
import {
  FAULT_KINDS,
  type FaultKind,
  formatOfficialRow,
  GENERATOR_VERSION,
  type GenerateElectionOptions,
  generateElection,
  generateElectionOptionsSchema,
  NO_FAULTS,
  OFFICIAL_CSV_FORMAT,
  OFFICIAL_CSV_HEADER,
  submissionJson,
} from '../src/index.js';

const USAGE = `Usage: generate --seed <n> --out <dir> [options]

  --seed <n>                 any whole number; the same seed gives the same election
  --scale <name>             demo (default) or national; or give counts instead:
  --mesas <n>                  explicit scale: this many mesas…
  --departamentos <n>          …in the n largest departamentos,
  --departamento-codes <list>  …or in these (01,16,88)
  --municipios <n>             …over about this many municipios
  --puestos <n>                …and this many puestos
  --corporations <list>      default PRESIDENTE,SENADO,CAMARA
  --round <1|2>              presidential round; 2 is the real 2026 second-round ballot
  --copies <list>            copies written to submissions.ndjson (default all three)
  --source <source>          submission source (default partner)
  --fault-rate <kind=rate>   per-sheet rate of one fault kind; repeat for several
  --no-faults                an honest election
  --election-code <code>     default SYNTH-<seed>
  --out <dir>                where to write (created if missing)

Fault kinds: ${FAULT_KINDS.join(', ')}`;

const argsSchema = z
  .object({
    seed: z.coerce.number().int().min(0),
    out: z.string().min(1),
    scale: z.enum(['demo', 'national']).optional(),
    mesas: z.coerce.number().int().min(1).optional(),
    departamentos: z.coerce.number().int().min(1).optional(),
    'departamento-codes': z
      .string()
      .transform((value) => value.split(','))
      .pipe(z.array(departamentoCodeSchema).min(1))
      .optional(),
    municipios: z.coerce.number().int().min(1).optional(),
    puestos: z.coerce.number().int().min(1).optional(),
    corporations: z
      .string()
      .transform((value) => value.split(','))
      .pipe(z.array(corporationSchema).min(1))
      .optional(),
    round: z.enum(['1', '2']).optional(),
    copies: z
      .string()
      .transform((value) => value.split(','))
      .pipe(z.array(copySchema).min(1))
      .default([...MESA_COPIES]),
    source: z.enum(['ocr', 'witness', 'partner', 'reviewer']).default('partner'),
    'fault-rate': z
      .array(z.string().regex(/^[a-z_]+=[0-9.]+$/, { message: 'use kind=rate, e.g. arithmetic_slip=0.01' }))
      .default([]),
    'no-faults': z.boolean().default(false),
    'election-code': z.string().optional(),
  })
  .refine((args) => args.scale === undefined || args.mesas === undefined, {
    message: 'give either --scale or --mesas, not both',
  })
  .refine(
    (args) =>
      args.mesas !== undefined ||
      [args.departamentos, args['departamento-codes'], args.municipios, args.puestos].every((v) => v === undefined),
    { message: '--departamentos, --departamento-codes, --municipios and --puestos need --mesas' },
  )
  .refine((args) => args.departamentos === undefined || args['departamento-codes'] === undefined, {
    message: 'give either --departamentos or --departamento-codes',
  });

/** The raw command line; argsSchema validates it next. */
function parseOptions() {
  return parseArgs({
    options: {
      seed: { type: 'string' },
      out: { type: 'string' },
      scale: { type: 'string' },
      mesas: { type: 'string' },
      departamentos: { type: 'string' },
      'departamento-codes': { type: 'string' },
      municipios: { type: 'string' },
      puestos: { type: 'string' },
      corporations: { type: 'string' },
      round: { type: 'string' },
      copies: { type: 'string' },
      source: { type: 'string' },
      'fault-rate': { type: 'string', multiple: true },
      'no-faults': { type: 'boolean' },
      'election-code': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
}

function readArguments(): z.infer<typeof argsSchema> {
  let values: ReturnType<typeof parseOptions>['values'];
  try {
    ({ values } = parseOptions());
  } catch (error) {
    refuse([(error as Error).message]);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success)
    refuse(parsed.error.issues.map((issue) => `--${issue.path.join('.') || 'options'}: ${issue.message}`));
  return parsed.data;
}

function electionOptions(args: z.infer<typeof argsSchema>): GenerateElectionOptions {
  const rates: Record<string, number> = args['no-faults'] ? { ...NO_FAULTS } : {};
  for (const entry of args['fault-rate']) {
    const [kind = '', rate = ''] = entry.split('=');
    rates[kind] = Number(rate);
  }
  const options = {
    seed: args.seed,
    scale:
      args.mesas === undefined
        ? (args.scale ?? 'demo')
        : {
            mesas: args.mesas,
            ...(args.departamentos === undefined ? {} : { departamentos: args.departamentos }),
            ...(args['departamento-codes'] === undefined ? {} : { departamentos: args['departamento-codes'] }),
            ...(args.municipios === undefined ? {} : { municipios: args.municipios }),
            ...(args.puestos === undefined ? {} : { puestos: args.puestos }),
          },
    ...(args.corporations ? { corporations: args.corporations } : {}),
    ...(args.round ? { presidentialRound: args.round === '2' ? 2 : 1 } : {}),
    faultRates: rates,
    ...(args['election-code'] ? { electionCode: args['election-code'] } : {}),
  };
  const parsed = generateElectionOptionsSchema.safeParse(options);
  if (!parsed.success) refuse(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return options as GenerateElectionOptions;
}

function refuse(problems: string[]): never {
  process.stderr.write(`${problems.map((problem) => `  ${problem}`).join('\n')}\n\n${USAGE}\n`);
  process.exit(2);
}

/** Lines to a file in large chunks, waiting when the disk is behind. */
class LineWriter {
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private size = 0;
  lines = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path);
  }

  async write(line: string): Promise<void> {
    this.buffer.push(line);
    this.size += line.length + 1;
    this.lines++;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

async function main(): Promise<void> {
  const args = readArguments();
  const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const election = generateElection(electionOptions(args));
  writeFileSync(join(out, 'divipol.json'), JSON.stringify(election.divipol));
  const built = performance.now();

  const submissions = new LineWriter(join(out, 'submissions.ndjson'));
  const truth = new LineWriter(join(out, 'truth.ndjson'));
  const faults = new LineWriter(join(out, 'faults.json'));
  const feeds = {
    preconteo: new LineWriter(join(out, 'preconteo.csv')),
    escrutinio: new LineWriter(join(out, 'escrutinio.csv')),
  };
  await feeds.preconteo.write(OFFICIAL_CSV_HEADER);
  await feeds.escrutinio.write(OFFICIAL_CSV_HEADER);
  await faults.write('[');
  const faultsPerKind = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const natural = { high_turnout: 0, stronghold: 0 };
  let firstFault = true;
  for (const sheet of election.sheets()) {
    for (const copy of args.copies) await submissions.write(submissionJson(sheet.submission(copy, args.source)));
    await truth.write(JSON.stringify(sheet.truth));
    for (const signal of sheet.truth.natural) natural[signal]++;
    if (sheet.fault) {
      faultsPerKind[sheet.fault.kind]++;
      await faults.write(`${firstFault ? '' : ','}${JSON.stringify(sheet.fault)}`);
      firstFault = false;
    }
    for (const row of sheet.officialRows('preconteo')) await feeds.preconteo.write(formatOfficialRow(row));
    for (const row of sheet.officialRows('escrutinio')) await feeds.escrutinio.write(formatOfficialRow(row));
  }
  await faults.write(']');
  await Promise.all([submissions, truth, faults, feeds.preconteo, feeds.escrutinio].map((writer) => writer.close()));

  const { options, counts } = election;
  const summary = {
    generator: { name: '@castor/e14-synth', version: GENERATOR_VERSION },
    seed: options.seed,
    scale: options.scale.name,
    election: election.divipol.election,
    presidentialRound: options.presidentialRound,
    counts: { ...counts, submissions: submissions.lines, officialRows: feeds.escrutinio.lines - 1 },
    copies: args.copies,
    source: args.source,
    faultRates: options.faultRates,
    faults: { total: Object.values(faultsPerKind).reduce((a, b) => a + b, 0), perKind: faultsPerKind },
    naturalSignals: natural,
    formats: {
      'divipol.json': 'castor-divipol/1 (DivipolDocument)',
      'submissions.ndjson': 'one E14Submission per line (empty cells in the short input form)',
      'truth.ndjson': 'one MesaTruth per line',
      'faults.json': 'array of InjectedFault',
      'preconteo.csv': OFFICIAL_CSV_FORMAT,
      'escrutinio.csv': OFFICIAL_CSV_FORMAT,
    },
  };
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const seconds = (to: number, from: number) => ((to - from) / 1000).toFixed(1);
  process.stderr.write(
    `${counts.mesas} mesas, ${counts.sheets} sheets, ${submissions.lines} submissions, ${summary.faults.total} faults → ${out}\n` +
      `built in ${seconds(built, started)} s, written in ${seconds(performance.now(), built)} s, ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
  );
}

await main();
