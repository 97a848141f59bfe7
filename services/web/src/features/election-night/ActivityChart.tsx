import type { PipelineActivity } from '@castor/contracts';
import { Table, Text, useMantineTheme, VisuallyHidden } from '@mantine/core';
import { useMemo } from 'react';
import { Chart, type ChartOption, chartNumber } from '../../components/Chart';
import { t } from '../../i18n/es-CO';

const count = new Intl.NumberFormat('es-CO');
// 24-hour times: short under the bars, and read the same in the summary and the table.
const clock = new Intl.DateTimeFormat('es-CO', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

type Bucket = PipelineActivity['buckets'][number];

const sum = (buckets: Bucket[], key: 'received' | 'read' | 'validated') =>
  buckets.reduce((total, bucket) => total + bucket[key], 0);

/**
 * Throughput and backlog as observers' and PREP sites show them: documents received, read and
 * validated per bucket (bars) and those still waiting after each (a line on its own axis), from the
 * election's first document to now; a table of the same numbers for screen readers.
 */
export function ActivityChart({ activity }: { activity: PipelineActivity }) {
  const theme = useMantineTheme();
  const { buckets, bucketMinutes } = activity;
  const option = useMemo<ChartOption>(() => {
    const bars = (name: string, key: 'received' | 'read' | 'validated', color: string) => ({
      type: 'bar' as const,
      name,
      data: buckets.map((bucket) => bucket[key]),
      itemStyle: { color },
      barMaxWidth: 18,
    });
    return {
      tooltip: { trigger: 'axis', valueFormatter: chartNumber },
      legend: { top: 0 },
      grid: { top: 56, left: 8, right: 8, bottom: 28 },
      xAxis: {
        type: 'category',
        data: buckets.map((bucket) => clock.format(new Date(bucket.start))),
        axisTick: { alignWithLabel: true },
      },
      yAxis: [
        {
          type: 'value',
          name: t.electionNight.activity.perBucket(bucketMinutes),
          minInterval: 1,
          axisLabel: { formatter: chartNumber },
        },
        {
          type: 'value',
          name: t.electionNight.activity.backlog,
          minInterval: 1,
          splitLine: { show: false },
          axisLabel: { formatter: chartNumber },
        },
      ],
      series: [
        bars(t.electionNight.activity.received, 'received', theme.colors.blue[4]),
        bars(t.electionNight.activity.read, 'read', theme.colors.indigo[8]),
        bars(t.electionNight.activity.validated, 'validated', theme.colors.teal[7]),
        {
          type: 'line',
          name: t.electionNight.activity.backlog,
          yAxisIndex: 1,
          step: 'end',
          showSymbol: false,
          data: buckets.map((bucket) => bucket.backlog),
          itemStyle: { color: theme.colors.orange[8] },
          lineStyle: { width: 2 },
        },
      ],
    };
  }, [buckets, bucketMinutes, theme]);

  const first = buckets[0];
  if (!first) return <Text size="sm">{t.electionNight.activity.empty}</Text>;
  const peak = buckets.reduce((top, bucket) => (bucket.received > top.received ? bucket : top), first);
  const active = buckets.filter((bucket) => bucket.received + bucket.read + bucket.validated > 0);
  const summary = [
    t.electionNight.activity.summary(
      clock.format(new Date(first.start)),
      bucketMinutes,
      count.format(sum(buckets, 'received')),
      count.format(sum(buckets, 'read')),
      count.format(sum(buckets, 'validated')),
      count.format(buckets.at(-1)?.backlog ?? 0),
    ),
    peak.received > 0
      ? t.electionNight.activity.peak(count.format(peak.received), clock.format(new Date(peak.start)))
      : '',
  ].join(' ');

  return (
    <>
      <Chart
        option={option}
        label={t.electionNight.activity.chartLabel(bucketMinutes)}
        summary={summary}
        height={280}
      />
      <VisuallyHidden>
        <Table>
          <Table.Caption>{t.electionNight.activity.tableCaption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.electionNight.activity.time}</Table.Th>
              <Table.Th>{t.electionNight.activity.received}</Table.Th>
              <Table.Th>{t.electionNight.activity.read}</Table.Th>
              <Table.Th>{t.electionNight.activity.validated}</Table.Th>
              <Table.Th>{t.electionNight.activity.backlog}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {active.map((bucket) => (
              <Table.Tr key={bucket.start}>
                <Table.Td>{clock.format(new Date(bucket.start))}</Table.Td>
                <Table.Td>{count.format(bucket.received)}</Table.Td>
                <Table.Td>{count.format(bucket.read)}</Table.Td>
                <Table.Td>{count.format(bucket.validated)}</Table.Td>
                <Table.Td>{count.format(bucket.backlog)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </VisuallyHidden>
    </>
  );
}
