import type { CellEvaluation, GlyphEvaluation } from './evaluation.js';
import type { RealCellResult } from './real-cells.js';

export interface EvaluationReport {
  model: { file: string; version: number; createdAt: string; seed: string };
  evaluatedAt: string;
  /** The synthetic sample: its seed, and whether its cells carry the first-round 2026 habits. */
  sample: { seed: string; firstRoundHabits: boolean };
  heldOutFaces: readonly string[];
  reviewThreshold: number;
  wrongUnreviewedTarget: number;
  glyphs: GlyphEvaluation;
  cells: CellEvaluation;
  realCells: {
    cells: number;
    correct: number;
    safe: number;
    wrongAboveReviewThreshold: number;
    results: RealCellResult[];
  };
  throughput: {
    glyphsPerSecond: number;
    cellsPerSecond: number;
    glyphsPerCell: number;
    note: string;
    machine: { cpus: number; cpuModel: string; loadAverage: number[]; node: string };
  };
}

const percent = (value: number, digits = 2) => `${(100 * value).toFixed(digits)} %`;

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** The short human summary written next to the JSON report. */
export function formatEvaluationMarkdown(report: EvaluationReport): string {
  const { glyphs, cells, realCells, throughput } = report;
  const show = (value: number | 'empty' | null) => (value === null ? '—' : String(value));
  const sections = [
    `# Digit recognizer — evaluation of model v${report.model.version}`,
    `Model trained ${report.model.createdAt} (seed \`${report.model.seed}\`), evaluated ${report.evaluatedAt}. ` +
      `Synthetic figures use faces never seen in training (${report.heldOutFaces.join(', ')}) and the held-out tenth of MNIST.`,
    `Sample: seed \`${report.sample.seed}\`${report.sample.firstRoundHabits ? ', cells written with the first-round 2026 habits' : ''}.`,
    `## Real sheets (2026 presidential, ${realCells.cells} value cells)`,
    `${realCells.correct}/${realCells.cells} read correctly; ${realCells.safe}/${realCells.cells} correct or sent to review; ` +
      `${realCells.wrongAboveReviewThreshold} wrong with confidence ≥ ${report.reviewThreshold}.`,
    table(
      ['sheet', 'field', 'expected', 'read', 'state', 'confidence', 'over-written (expected)', 'outcome'],
      realCells.results.map((result) => [
        result.sheet.replace('2026-presidente-', '').replace('.pdf', ''),
        result.field,
        result.expected.state === 'empty' ? 'empty' : result.expected.value,
        show(result.reading.value),
        result.reading.state,
        result.reading.confidence.toFixed(3),
        `${result.reading.overwritten ? 'yes' : 'no'} (${result.overwrittenExpected ? 'yes' : 'no'})`,
        result.outcome,
      ]),
    ),
    '## Held-out synthetic cells',
    `${cells.cells} cells (${percent(cells.overwriteRate, 1)} with a correction over a digit): accuracy ${percent(cells.accuracy)}, ` +
      `illegible ${percent(cells.illegibleRate)}, wrong ${percent(cells.wrongRate)}; wrong with confidence ≥ ${report.reviewThreshold}: ` +
      `${percent(cells.wrongAboveReviewThreshold)}, ≥ 0.9: ${percent(cells.wrongAbove90)}. Expected calibration error ${cells.expectedCalibrationError.toFixed(4)}.`,
    `Without corrections (${cells.clean.cells} cells): accuracy ${percent(cells.clean.accuracy)}, wrong with confidence ≥ ${report.reviewThreshold}: ` +
      `${percent(cells.clean.wrongAboveReviewThreshold)}. With a correction (${cells.overwritten.cells} cells): accuracy ${percent(cells.overwritten.accuracy)}; ` +
      `${cells.overwritten.flagged} sent to review (${cells.overwritten.markedOverwritten} marked over-written); ${cells.overwritten.falseMarks} clean cells wrongly marked over-written.`,
    `Routed as e14-service does (illegible, under the threshold, or marked over-written go to review): at ${cells.review.threshold}, ` +
      `${percent(cells.review.reviewRate, 1)} of cells reviewed and ${percent(cells.review.wrongUnreviewed)} wrong but not reviewed. ` +
      (cells.safeReview
        ? `Wrong-and-unreviewed stays within ${percent(report.wrongUnreviewedTarget, 1)} from a threshold of ${cells.safeReview.threshold}: ` +
          `${percent(cells.safeReview.reviewRate, 1)} of cells reviewed, ${percent(cells.safeReview.wrongUnreviewed)} wrong but not reviewed.`
        : `No threshold keeps wrong-and-unreviewed within ${percent(report.wrongUnreviewedTarget, 1)}.`),
    table(
      ['confidence ≥', 'cells not reviewed', 'their accuracy'],
      cells.automation.map((row) => [row.threshold, percent(row.share, 1), percent(row.accuracy)]),
    ),
    '### Calibration (accuracy per confidence bin)',
    table(
      ['bin', 'cells', 'mean confidence', 'accuracy'],
      cells.reliability.map((bin) => [
        `${bin.from}–${bin.to}`,
        bin.count,
        bin.count ? bin.meanConfidence.toFixed(3) : '—',
        bin.accuracy === null ? '—' : bin.accuracy.toFixed(3),
      ]),
    ),
    table(
      ['cell holds', 'cells', 'accuracy'],
      Object.entries(cells.byKind).map(([kind, entry]) => [kind, entry.cells, percent(entry.accuracy)]),
    ),
    table(
      ['held-out face', 'cells', 'accuracy', `wrong with confidence ≥ ${report.reviewThreshold}`],
      Object.entries(cells.byFace).map(([face, entry]) => [
        face,
        entry.cells,
        percent(entry.accuracy),
        percent(entry.wrongAboveReviewThreshold),
      ]),
    ),
    '## Held-out glyphs',
    `${glyphs.samples} glyphs: accuracy ${percent(glyphs.accuracy)} (` +
      Object.entries(glyphs.accuracyBySource)
        .map(([source, entry]) => `${source} ${percent(entry.accuracy)} of ${entry.samples}`)
        .join(', ') +
      ').',
    'Confusion matrix (rows: truth, columns: predicted):',
    table(
      ['', ...glyphs.classes],
      glyphs.classes.map((truth, i) => [truth, ...(glyphs.confusion[i] ?? [])]),
    ),
    '## Throughput',
    `${Math.round(throughput.glyphsPerSecond)} glyphs/s and ${Math.round(throughput.cellsPerSecond)} cells/s ` +
      `(${throughput.glyphsPerCell.toFixed(2)} glyphs a cell), ${throughput.note}: ${throughput.machine.cpus} × ${throughput.machine.cpuModel}, ` +
      `load average ${throughput.machine.loadAverage.map((value) => value.toFixed(1)).join(' / ')}, Node ${throughput.machine.node}.`,
  ];
  return `${sections.join('\n\n')}\n`;
}
