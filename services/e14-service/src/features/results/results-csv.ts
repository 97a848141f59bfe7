import type { ResultsResponse } from '@castor/contracts';

const quoteCsv = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The download name of a results answer's CSV. */
export function resultsCsvFilename(response: ResultsResponse): string {
  return `resultados-${response.electionCode}-${response.corporation}-${response.territory.code || 'nacional'}.csv`;
}

/** CSV export of a results answer: one line per option, then the special rows and coverage. */
export function resultsCsv(response: ResultsResponse): string {
  const lines = ['territorio,nivel,corporacion,opcion,nombre,votos'];
  const line = (option: string, name: string, votes: number) =>
    lines.push(
      [response.territory.code, response.level, response.corporation, option, quoteCsv(name), String(votes)].join(','),
    );
  for (const option of response.options) {
    line(
      option.candidateNumber === null
        ? String(option.ballotNumber)
        : `${option.ballotNumber}-${option.candidateNumber}`,
      option.name,
      option.votes,
    );
  }
  line('BLANCO', 'VOTOS EN BLANCO', response.totals.blancos);
  line('NULO', 'VOTOS NULOS', response.totals.nulos);
  line('NO_MARCADO', 'VOTOS NO MARCADOS', response.totals.noMarcados);
  line('SUFRAGANTES', 'TOTAL VOTANTES E-11', response.totals.sufragantes);
  line('MESAS_ESPERADAS', 'MESAS ESPERADAS', response.coverage.mesasExpected);
  line('MESAS_INFORMADAS', 'MESAS INFORMADAS', response.coverage.mesasIn);
  line('MESAS_VALIDADAS', 'MESAS VALIDADAS', response.coverage.mesasValidated);
  line('MESAS_EN_DISPUTA', 'MESAS EN DISPUTA', response.coverage.mesasDisputed);
  return `${lines.join('\n')}\n`;
}
