import type { ConversationMeasures, RivalsComparison } from '@castor/contracts';
import { stringify } from 'csv-stringify/sync';

const MEASURES: ReadonlyArray<keyof ConversationMeasures> = [
  'posts',
  'authors',
  'engagement',
  'shareOfVoice',
  'positiveShare',
  'negativeShare',
  'net',
  'botShare',
];

/**
 * The comparison as CSV: one line per candidate, each measure for the period, the previous period
 * and the change (as the contract defines it), side by side. Names are escaped against formulas.
 */
export function rivalsCsv(comparison: RivalsComparison): string {
  const header = [
    'candidate',
    'name',
    'own',
    'from',
    'to',
    'previous_from',
    'exclude_bots',
    ...MEASURES.flatMap((measure) => [measure, `previous_${measure}`, `change_${measure}`]),
  ];
  const lines = comparison.candidates.map((entry) => [
    entry.candidate.slug,
    entry.candidate.name,
    entry.candidate.own,
    comparison.period.from,
    comparison.period.to,
    comparison.previousPeriod.from,
    comparison.excludeBots,
    ...MEASURES.flatMap((measure) => [entry.measures[measure], entry.previous[measure], entry.change[measure]]),
  ]);
  return stringify([header, ...lines], { escape_formulas: true, cast: { boolean: String } });
}

export function rivalsCsvFilename(comparison: RivalsComparison): string {
  return `rivales-${comparison.period.from.slice(0, 10)}-${comparison.period.to.slice(0, 10)}.csv`;
}
