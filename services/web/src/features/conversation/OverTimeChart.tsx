import type { MediaAnalysis } from '@castor/contracts';
import { Table, Text, useMantineTheme, VisuallyHidden } from '@mantine/core';
import { useMemo } from 'react';
import { Chart, type ChartOption, chartNumber } from '../../components/Chart';
import { formatCount, formatDay, formatNet } from '../../components/conversation-format';
import { t } from '../../i18n/es-CO';

type Point = MediaAnalysis['series'][number];

const unscoredOf = (point: Point) => Math.max(0, point.posts - point.positive - point.neutral - point.negative);

/**
 * Posts per day stacked by sentiment (and those not scored yet), with the day's net sentiment as a
 * line on its own axis; a table of the same numbers for screen readers.
 */
export function OverTimeChart({ analysis }: { analysis: MediaAnalysis }) {
  const theme = useMantineTheme();
  const { series } = analysis;
  const option = useMemo<ChartOption>(() => {
    const bars = (name: string, data: number[], color: string) => ({
      type: 'bar' as const,
      name,
      stack: 'posts',
      data,
      itemStyle: { color },
      barMaxWidth: 24,
    });
    return {
      tooltip: { trigger: 'axis', valueFormatter: chartNumber },
      legend: { top: 0, type: 'scroll' },
      grid: { top: 56, left: 8, right: 8, bottom: 28, containLabel: true },
      xAxis: {
        type: 'category',
        data: series.map((point) => formatDay(point.bucket)),
        axisTick: { alignWithLabel: true },
      },
      yAxis: [
        {
          type: 'value',
          name: t.dashboard.measures.posts,
          nameTextStyle: { align: 'left' },
          minInterval: 1,
          axisLabel: { formatter: chartNumber },
        },
        {
          type: 'value',
          name: t.dashboard.measures.net,
          nameTextStyle: { align: 'right' },
          min: -1,
          max: 1,
          splitLine: { show: false },
        },
      ],
      series: [
        bars(
          t.dashboard.sentiments.positive,
          series.map((point) => point.positive),
          theme.colors.teal[7],
        ),
        bars(
          t.dashboard.sentiments.neutral,
          series.map((point) => point.neutral),
          theme.colors.gray[5],
        ),
        bars(
          t.dashboard.sentiments.negative,
          series.map((point) => point.negative),
          theme.colors.red[8],
        ),
        bars(t.dashboard.unscored, series.map(unscoredOf), theme.colors.gray[3]),
        {
          type: 'line',
          name: t.dashboard.measures.net,
          yAxisIndex: 1,
          data: series.map((point) => point.net),
          connectNulls: true,
          itemStyle: { color: theme.colors.indigo[8] },
          lineStyle: { width: 2 },
        },
      ],
    };
  }, [series, theme]);

  const first = series[0];
  if (!first || analysis.totals.posts === 0) return <Text size="sm">{t.conversation.chartEmpty}</Text>;
  const peak = series.reduce((top, point) => (point.posts > top.posts ? point : top), first);
  const summary = t.conversation.chartSummary(
    formatCount(analysis.totals.posts),
    series.length,
    formatCount(peak.posts),
    formatDay(peak.bucket),
    formatNet(analysis.sentiment.net),
  );
  const name = analysis.candidate?.name ?? analysis.query ?? '';
  return (
    <>
      <Chart option={option} label={t.conversation.chartLabel(name)} summary={summary} height={300} />
      <VisuallyHidden>
        <Table>
          <Table.Caption>{t.conversation.tableCaption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.conversation.day}</Table.Th>
              <Table.Th>{t.dashboard.measures.posts}</Table.Th>
              <Table.Th>{t.dashboard.sentiments.positive}</Table.Th>
              <Table.Th>{t.dashboard.sentiments.neutral}</Table.Th>
              <Table.Th>{t.dashboard.sentiments.negative}</Table.Th>
              <Table.Th>{t.dashboard.measures.net}</Table.Th>
              <Table.Th>{t.dashboard.measures.botShare}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {series.map((point) => (
              <Table.Tr key={point.bucket}>
                <Table.Td>{formatDay(point.bucket)}</Table.Td>
                <Table.Td>{formatCount(point.posts)}</Table.Td>
                <Table.Td>{formatCount(point.positive)}</Table.Td>
                <Table.Td>{formatCount(point.neutral)}</Table.Td>
                <Table.Td>{formatCount(point.negative)}</Table.Td>
                <Table.Td>{formatNet(point.net)}</Table.Td>
                <Table.Td>{formatCount(point.botPosts)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </VisuallyHidden>
    </>
  );
}
