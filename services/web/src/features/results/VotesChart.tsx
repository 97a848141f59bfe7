import type { ResultsResponse } from '@castor/contracts';
import { Paper, Text, useMantineTheme } from '@mantine/core';
import { useMemo } from 'react';
import { Chart, type ChartOption, chartNumber } from '../../components/Chart';
import { t } from '../../i18n/es-CO';

const count = new Intl.NumberFormat('es-CO');
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });

/** Bars past these many are summed in one "others" bar, so every name stays readable. */
const MOST_BARS = 12;
const BAR_HEIGHT = 26;

interface Bar {
  name: string;
  votes: number;
  special: boolean;
}

/** The candidates (or lists), most voted first, the rest summed, then blancos and nulos. */
function barsOf(results: ResultsResponse): Bar[] {
  const rows = results.lists.length > 0 ? results.lists : results.options;
  // The same party runs a list in each circunscripción: its ballot number tells the bars apart, as in the table.
  const repeated = new Set(rows.map((row) => row.name)).size < rows.length;
  const ranked = rows.map((row) => ({
    name: repeated ? `${row.ballotNumber} · ${row.name}` : row.name,
    votes: row.votes,
    special: false,
  }));
  ranked.sort((a, b) => b.votes - a.votes);
  const shown = ranked.length > MOST_BARS + 1 ? ranked.slice(0, MOST_BARS) : ranked;
  const rest = ranked.slice(shown.length);
  const others = rest.length
    ? [
        {
          name: t.results.votesChart.others(rest.length),
          votes: rest.reduce((sum, bar) => sum + bar.votes, 0),
          special: true,
        },
      ]
    : [];
  return [
    ...shown,
    ...others,
    { name: t.results.blancos, votes: results.totals.blancos, special: true },
    { name: t.results.nulos, votes: results.totals.nulos, special: true },
  ];
}

/**
 * Votes at the level on screen as horizontal bars beside the votes table (which says the same in
 * numbers): candidates or lists most voted first, blancos and nulos in grey.
 */
export function VotesChart({ results }: { results: ResultsResponse }) {
  const theme = useMantineTheme();
  const bars = useMemo(() => barsOf(results), [results]);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: chartNumber },
      grid: { top: 8, left: 8, right: 56, bottom: 28 },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: chartNumber, hideOverlap: true } },
      // Most voted on top: a category axis draws its first item at the bottom.
      yAxis: {
        type: 'category',
        inverse: true,
        data: bars.map((bar) => bar.name),
        axisLabel: { width: 200, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          name: t.results.columns.votes,
          barMaxWidth: 18,
          label: { show: true, position: 'right', formatter: ({ value }) => chartNumber(value) },
          data: bars.map((bar) => ({
            value: bar.votes,
            itemStyle: { color: bar.special ? theme.colors.gray[6] : theme.colors.indigo[8] },
          })),
        },
      ],
    }),
    [bars, theme],
  );
  const territory = results.territory.code === '' ? t.results.country : results.territory.name;
  const leader = bars[0];
  const counted = results.totals.candidateVotes;
  return (
    <Paper withBorder p="sm" radius="md">
      {leader && !leader.special && counted > 0 ? (
        <Chart
          option={option}
          label={t.results.votesChart.label(territory)}
          summary={t.results.votesChart.summary(
            leader.name,
            count.format(leader.votes),
            percent.format(leader.votes / counted),
            count.format(counted),
          )}
          height={bars.length * BAR_HEIGHT + 24}
        />
      ) : (
        <Text size="sm">{t.results.votesChart.noVotes}</Text>
      )}
    </Paper>
  );
}
