import type { ModelCellFigures, PipelineStatus } from '@castor/contracts';
import { t } from '../../i18n/es-CO';

type ModelInUse = NonNullable<PipelineStatus['model']>;

/** The recognizer model in words: what it is, and how it compared with the version it replaced. */
export interface ModelLine {
  summary: string;
  /** Absent for a model never evaluated (the bundled one): there is nothing to compare. */
  comparison?: { previousVersion: number; sets: string[] };
}

const count = new Intl.NumberFormat('es-CO');
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });
const words = t.electionNight.model;

/** How long ago, coarse on purpose: the page refreshes every few seconds, a minute is precise enough. */
export function agoInWords(then: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (minutes < 1) return words.justNow;
  if (minutes < 60) return words.minutesAgo(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return words.hoursAgo(hours);
  return words.daysAgo(Math.floor(hours / 24));
}

function setInWords(set: { previous: ModelCellFigures; candidate: ModelCellFigures }, name: string): string {
  return words.comparison(
    percent.format(set.previous.reviewShare),
    percent.format(set.candidate.reviewShare),
    count.format(set.previous.wrongUnreviewed),
    count.format(set.candidate.wrongUnreviewed),
    name,
  );
}

/** The line the election-night page shows for GET /api/pipeline/status's `model`; null while it loads. */
export function modelLine(model: ModelInUse | null, now: Date): ModelLine | null {
  if (!model) return null;
  if (model.source === 'bundled') return { summary: words.bundled(model.version) };
  const trained = words.trained(model.version, model.learnedFromCells, count.format(model.learnedFromCells));
  const promoted = model.promotedAt ? words.promoted(agoInWords(new Date(model.promotedAt), now)) : '';
  const evaluation = model.evaluation;
  if (!evaluation) return { summary: `${trained}${promoted}` };
  return {
    summary: `${trained}${promoted}`,
    // The gate measured this model (its candidate) against the version it replaced, on the same cells.
    comparison: {
      previousVersion: evaluation.previousVersion,
      sets: [
        setInWords(evaluation.heldBack, words.heldBack(count.format(evaluation.heldBack.cells))),
        setInWords(evaluation.synthetic, words.synthetic(count.format(evaluation.synthetic.cells))),
      ],
    },
  };
}
