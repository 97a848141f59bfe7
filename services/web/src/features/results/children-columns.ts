import type { ResultsResponse, TerritoryLevel } from '@castor/contracts';
import { t } from '../../i18n/es-CO';
import type { TerritoryChild } from './queries';

const count = new Intl.NumberFormat('es-CO');
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });

/** One column of the children table: its header, the value it sorts by and the text it shows. */
export interface ChildColumn {
  id: string;
  header: string;
  numeric: boolean;
  sortValue: (child: TerritoryChild) => number | string;
  /** As on screen; the CSV writes numbers without thousands separators so spreadsheets read them. */
  text: (child: TerritoryChild) => string;
  csv: (child: TerritoryChild) => string;
}

const numberColumn = (id: string, header: string, value: (child: TerritoryChild) => number): ChildColumn => ({
  id,
  header,
  numeric: true,
  sortValue: value,
  text: (child) => count.format(value(child)),
  csv: (child) => String(value(child)),
});

const reportedShare = (child: TerritoryChild) =>
  child.coverage.mesasExpected > 0 ? child.coverage.mesasIn / child.coverage.mesasExpected : 0;

/**
 * The columns of a territory's children: code and name, coverage and disputes, the votes for
 * candidates and lists and who leads; a puesto's children are mesas, which also have a status.
 */
export function childColumns(results: ResultsResponse): ChildColumn[] {
  const leaderNames = new Map(results.options.map((option) => [option.candidateId, option.name]));
  const leader = (child: TerritoryChild) =>
    child.leaderCandidateId === null ? '' : (leaderNames.get(child.leaderCandidateId) ?? '');
  const columns: ChildColumn[] = [
    {
      id: 'code',
      header: t.results.columns.code,
      numeric: false,
      sortValue: (child) => child.code,
      text: (child) => child.code,
      csv: (child) => child.code,
    },
    {
      id: 'name',
      header: t.results.columns.name,
      numeric: false,
      sortValue: (child) => child.name,
      text: (child) => child.name,
      csv: (child) => child.name,
    },
    numberColumn('expected', t.results.columns.expected, (child) => child.coverage.mesasExpected),
    numberColumn('in', t.results.columns.in, (child) => child.coverage.mesasIn),
    {
      id: 'share',
      header: t.results.columns.share,
      numeric: true,
      sortValue: reportedShare,
      text: (child) => percent.format(reportedShare(child)),
      // A decimal comma, as es-CO spreadsheets read it (the separator is ";", so it needs no quotes).
      csv: (child) => (reportedShare(child) * 100).toFixed(1).replace('.', ','),
    },
    numberColumn('validated', t.results.columns.validated, (child) => child.coverage.mesasValidated),
    numberColumn('needsReview', t.results.columns.needsReview, (child) => child.coverage.mesasNeedsReview),
    numberColumn('disputed', t.results.columns.disputed, (child) => child.coverage.mesasDisputed),
    numberColumn('votes', t.results.columns.votes, (child) => child.candidateVotes),
    {
      id: 'leader',
      header: t.results.columns.leader,
      numeric: false,
      sortValue: leader,
      text: leader,
      csv: leader,
    },
  ];
  if (results.level === 'puesto') {
    const status = (child: TerritoryChild) => (child.mesaStatus ? t.results.mesaStatus[child.mesaStatus] : '');
    columns.push({
      id: 'status',
      header: t.results.columns.status,
      numeric: false,
      sortValue: status,
      text: status,
      csv: status,
    });
  }
  return columns;
}

export type SortDirection = 'ascending' | 'descending';

/** The children ordered by one column; ties keep the API's order (by code). */
export function sortChildren(
  children: readonly TerritoryChild[],
  column: ChildColumn,
  direction: SortDirection,
): TerritoryChild[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...children].sort((a, b) => {
    const [x, y] = [column.sortValue(a), column.sortValue(b)];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'es-CO');
    return sign * order;
  });
}

const quoteCsv = (value: string) => (/[";\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * The rows shown, as a CSV Excel in es-CO opens right: a UTF-8 byte order mark (else it reads the
 * accents as Windows-1252) and ";" between fields, the list separator of locales whose decimal
 * mark is a comma (with "," Excel puts each whole line in one cell).
 */
export function childrenCsv(columns: readonly ChildColumn[], rows: readonly TerritoryChild[]): Blob {
  const lines = [
    columns.map((column) => quoteCsv(column.header)).join(';'),
    ...rows.map((row) => columns.map((column) => quoteCsv(column.csv(row))).join(';')),
  ];
  return new Blob([`\uFEFF${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
}

/** The download name of the children table of a territory. */
export function childrenCsvFilename(results: ResultsResponse, childLevel: TerritoryLevel | undefined): string {
  const territory = results.territory.code || 'nacional';
  return `resultados-${results.electionCode}-${results.corporation}-${territory}-por-${childLevel ?? 'mesa'}.csv`;
}
