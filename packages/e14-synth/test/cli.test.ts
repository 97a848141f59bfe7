import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { divipolDocumentSchema, e14SubmissionSchema } from '@castor/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  GENERATOR_VERSION,
  generateElection,
  injectedFaultSchema,
  mesaTruthSchema,
  parseOfficialCsv,
} from '../src/index.js';

const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'generate.ts');
const ARGS = [
  '--seed',
  '31',
  '--mesas',
  '150',
  '--departamento-codes',
  '11,88',
  '--fault-rate',
  'arithmetic_slip=0.05',
];

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function generate(args: string[]): string {
  const out = mkdtempSync(join(tmpdir(), 'e14-synth-cli-'));
  folders.push(out);
  execFileSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args, '--out', out], { stdio: 'pipe' });
  return out;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('the generate CLI', () => {
  const out = generate(ARGS);
  const election = generateElection({
    seed: 31,
    scale: { mesas: 150, departamentos: ['11', '88'] },
    faultRates: { arithmetic_slip: 0.05 },
  });

  it('writes the seven files, each valid and equal to what the API yields', () => {
    expect(readdirSync(out).sort()).toEqual([
      'divipol.json',
      'escrutinio.csv',
      'faults.json',
      'preconteo.csv',
      'submissions.ndjson',
      'summary.json',
      'truth.ndjson',
    ]);
    expect(divipolDocumentSchema.parse(JSON.parse(readFileSync(join(out, 'divipol.json'), 'utf8')))).toEqual(
      election.divipol,
    );
    const submissions = lines(join(out, 'submissions.ndjson')).map((line) =>
      e14SubmissionSchema.parse(JSON.parse(line)),
    );
    expect(submissions).toEqual([...election.submissions()]);
    const truth = lines(join(out, 'truth.ndjson')).map((line) => mesaTruthSchema.parse(JSON.parse(line)));
    expect(truth).toEqual([...election.truth()]);
    const faults = z.array(injectedFaultSchema).parse(JSON.parse(readFileSync(join(out, 'faults.json'), 'utf8')));
    expect(faults).toEqual([...election.faults()]);
    expect(faults.length).toBeGreaterThan(0);
    expect(parseOfficialCsv(readFileSync(join(out, 'preconteo.csv'), 'utf8'))).toEqual([
      ...election.officialRows('preconteo'),
    ]);
    expect(parseOfficialCsv(readFileSync(join(out, 'escrutinio.csv'), 'utf8'))).toEqual([
      ...election.officialRows('escrutinio'),
    ]);
  });

  it('summarises counts, faults, seed, scale and generator version', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.generator.version).toBe(GENERATOR_VERSION);
    expect(summary.seed).toBe(31);
    expect(summary.scale).toBe('custom');
    expect(summary.counts).toMatchObject({ ...election.counts, submissions: 3 * election.counts.sheets });
    const faults = [...election.faults()];
    expect(summary.faults.total).toBe(faults.length);
    expect(summary.faults.perKind.arithmetic_slip).toBe(faults.filter((f) => f.kind === 'arithmetic_slip').length);
  });

  it('writes the same bytes for the same arguments', () => {
    const again = generate(ARGS);
    for (const file of readdirSync(out)) {
      expect(readFileSync(join(again, file)).equals(readFileSync(join(out, file))), file).toBe(true);
    }
  });

  it('refuses bad arguments with a clear message and exit code 2', () => {
    const refusal = (args: string[]) => {
      try {
        execFileSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args, '--out', out], { stdio: 'pipe' });
      } catch (error) {
        const { status, stderr } = error as { status: number; stderr: Buffer };
        return { status, message: stderr.toString().split('\n')[0] };
      }
      throw new Error(`accepted ${args.join(' ')}`);
    };
    expect(refusal(['--seed', 'x'])).toEqual({ status: 2, message: expect.stringMatching(/^ {2}--seed: /) });
    expect(refusal(['--seed', '1', '--scale', 'demo', '--mesas', '9'])).toEqual({
      status: 2,
      message: expect.stringContaining('either --scale or --mesas'),
    });
    expect(refusal(['--seed', '1', '--fault-rate', 'arithmetic_slip=2'])).toMatchObject({ status: 2 });
  });
});
