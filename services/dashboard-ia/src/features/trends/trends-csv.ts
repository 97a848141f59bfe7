import type { TrendingResponse } from '@castor/contracts';
import { toCsv } from '../../shared/csv.js';

const HEADER = ['tipo', 'tendencia', 'terminos', 'candidato', 'volumen', 'linea_base', 'z', 'autores', 'publicaciones'];

/**
 * The trends as CSV for a spreadsheet: one row per trend, its posts by id. Cells starting with
 * = + - @ (a hashtag, a post's text) are prefixed with ' so a spreadsheet never runs them.
 */
export function trendsCsv(response: TrendingResponse): string {
  return toCsv(
    HEADER,
    response.trends.map((trend) => [
      trend.kind,
      trend.term,
      trend.terms.join(' | '),
      trend.candidate ?? '',
      trend.volume,
      trend.baseline.toFixed(2),
      trend.zScore.toFixed(2),
      trend.authors,
      trend.posts.map((post) => post.id).join(' '),
    ]),
  );
}

export function trendsCsvFilename(candidate: string | undefined, response: TrendingResponse): string {
  const end = response.window.to.slice(0, 16).replace(/[:T]/g, '-');
  return `tendencias-${candidate ?? 'general'}-${end}.csv`;
}
