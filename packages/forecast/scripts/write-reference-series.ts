// Writes reference/series.json, the series reference/ets-reference.R fits with R's forecast::ets and
// HoltWinters. Run `pnpm --filter @castor/forecast reference:series`, then `reference:r`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { referenceSeries } from './synthetic-series.js';

const target = fileURLToPath(new URL('../reference/series.json', import.meta.url));
const file = referenceSeries();
// One series per line: readable in a diff, and R's jsonlite reads it as any JSON.
const lines = file.series.map((series) => `  ${JSON.stringify(series)}`);
const header = JSON.stringify({ seed: file.seed, seasonPeriod: file.seasonPeriod, horizon: file.horizon }).slice(0, -1);
writeFileSync(target, `${header},\n "series": [\n${lines.join(',\n')}\n ]\n}\n`);
console.log(`wrote ${target}`);
