/**
 * Generation cost at national scale (120,000 mesas): time and memory to build the election, to
 * walk every sheet, to build and serialise the E-14 submissions, and to produce both official
 * feeds, for a presidential election and for a three-corporation one. Absolute figures, with the
 * machine described (load average included: on a shared machine they are indicative only).
 *
 *   pnpm --filter @castor/e14-synth bench [--out <file>]   (default: <repo>/bench/results/e14-synth.json)
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Corporation } from '@castor/contracts';
import { formatOfficialRow, generateElection, submissionJson } from '../src/index.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(
  process.env.INIT_CWD ?? process.cwd(),
  values.out ?? new URL('../../../bench/results/e14-synth.json', import.meta.url).pathname,
);

const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadAverage: os.loadavg(),
});

let peakHeap = 0;
const sampleMemory = () => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
};

/** Runs `work`, sampling the heap every `every` steps it reports, and returns its milliseconds. */
function timed(work: (step: () => void) => void, every = 10_000): number {
  let steps = 0;
  const started = performance.now();
  work(() => {
    if (++steps % every === 0) sampleMemory();
  });
  return Math.round(performance.now() - started);
}

function measure(corporations: Corporation[], presidentialRound: 1 | 2) {
  const started = performance.now();
  const election = generateElection({ seed: 2026, scale: 'national', corporations, presidentialRound });
  const buildMs = Math.round(performance.now() - started);
  sampleMemory();
  const heapAfterBuild = process.memoryUsage().heapUsed;
  let divipolBytes = 0;
  const divipolMs = timed(() => {
    divipolBytes = JSON.stringify(election.divipol).length;
  });
  const sheetsMs = timed((step) => {
    for (const sheet of election.sheets()) {
      if (sheet.truth.sufragantes < 0) throw new Error('impossible');
      step();
    }
  });
  let submissionBytes = 0;
  const submissionsMs = timed((step) => {
    for (const submission of election.submissions({ copies: ['delegados'] })) {
      submissionBytes += submissionJson(submission).length;
      step();
    }
  });
  const threeCopiesMs = timed((step) => {
    for (const submission of election.submissions()) {
      if (submission.schemaVersion !== 2) throw new Error('impossible');
      step();
    }
  });
  let officialRows = 0;
  let officialBytes = 0;
  const officialMs = timed((step) => {
    for (const source of ['preconteo', 'escrutinio'] as const) {
      for (const row of election.officialRows(source)) {
        officialRows++;
        officialBytes += formatOfficialRow(row).length + 1;
        step();
      }
    }
  }, 1_000_000);
  let faults = 0;
  const faultsMs = timed(() => {
    for (const _fault of election.faults()) faults++;
  });
  return {
    corporations,
    presidentialRound,
    counts: election.counts,
    faults,
    milliseconds: {
      build: buildMs,
      divipolJson: divipolMs,
      sheetsWithTruth: sheetsMs,
      submissionsOneCopyJson: submissionsMs,
      submissionsThreeCopies: threeCopiesMs,
      officialFeedsCsv: officialMs,
      faults: faultsMs,
    },
    perSecond: {
      sheets: Math.round(election.counts.sheets / (sheetsMs / 1000)),
      submissionsJson: Math.round(election.counts.sheets / (submissionsMs / 1000)),
    },
    bytes: { divipolJson: divipolBytes, submissionsOneCopyNdjson: submissionBytes, officialFeedsCsv: officialBytes },
    officialRows,
    heapAfterBuildMB: Math.round(heapAfterBuild / 1e6),
  };
}

const before = machine();
const results = [measure(['PRESIDENTE'], 2), measure(['PRESIDENTE', 'SENADO', 'CAMARA'], 1)];
const result = {
  benchmark: 'e14-synth-generation',
  measuredAt: new Date().toISOString(),
  machine: { ...before, loadAverageAfter: os.loadavg() },
  note: 'absolute single-run figures on one core; the generator is single-threaded and streams every sheet',
  results,
  memory: {
    peakHeapMB: Math.round(peakHeap / 1e6),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  },
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
