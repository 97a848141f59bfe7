import type { TrendingResponse } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { trendsCsv, trendsCsvFilename } from '../../../src/features/trends/trends-csv.js';

const response: TrendingResponse = {
  window: { from: '2026-05-28T01:00:00.000Z', to: '2026-05-28T02:00:00.000Z' },
  includeBots: false,
  rule: { minZ: 3, minAuthors: 5, baselineWindows: 24 },
  trends: [
    {
      kind: 'term',
      term: '=HYPERLINK("http://x","y")',
      terms: ['@cmd', '+1', '-2'],
      candidate: 'cepeda',
      volume: 12,
      baseline: 1.5,
      zScore: 4.25,
      authors: 9,
      posts: [],
    },
  ],
  spikes: [],
};

describe('trendsCsv', () => {
  it('escapes what a spreadsheet would run as a formula and quotes what needs it', () => {
    const [header, row] = trendsCsv(response)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(header).toBe('tipo,tendencia,terminos,candidato,volumen,linea_base,z,autores,publicaciones');
    expect(row).toBe(`term,"'=HYPERLINK(""http://x"",""y"")",'@cmd | +1 | -2,cepeda,12,1.50,4.25,9,`);
    expect(trendsCsvFilename('cepeda', response)).toBe('tendencias-cepeda-2026-05-28-02-00.csv');
    expect(trendsCsvFilename(undefined, response)).toBe('tendencias-general-2026-05-28-02-00.csv');
  });
});
