import type { ConversationMeasures, RivalsComparison } from '@castor/contracts';
import { Group, Paper, Stack, Table, Text, Title, useMantineTheme, VisuallyHidden } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { dashboardApi } from '../../api/dashboard';
import { useSession } from '../../api/session';
import { Chart, type ChartOption, chartNumber } from '../../components/Chart';
import { type PeriodDays, PeriodSelect, periodOf, WithoutBotsSwitch } from '../../components/conversation-controls';
import {
  type ChangeKind,
  changeInWords,
  formatCount,
  formatDay,
  formatNet,
  formatShare,
} from '../../components/conversation-format';
import { DownloadButton } from '../../components/DownloadButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { READABLE_CAPTION } from '../../components/readable-description';
import { CAMPAIGN_OPERATORS, useCandidates } from '../../components/use-candidates';
import { t } from '../../i18n/es-CO';

type Measure = keyof ConversationMeasures;
type Row = RivalsComparison['candidates'][number];

/** Every measure in the table's order, how it is written and how its change reads. */
const MEASURES: readonly { key: Measure; format: (value: number | null) => string; change: ChangeKind }[] = [
  { key: 'posts', format: (value) => formatCount(value ?? 0), change: 'relative' },
  { key: 'authors', format: (value) => formatCount(value ?? 0), change: 'relative' },
  { key: 'engagement', format: (value) => formatCount(value ?? 0), change: 'relative' },
  { key: 'shareOfVoice', format: formatShare, change: 'points' },
  { key: 'positiveShare', format: formatShare, change: 'points' },
  { key: 'negativeShare', format: formatShare, change: 'points' },
  { key: 'net', format: formatNet, change: 'points' },
  { key: 'botShare', format: formatShare, change: 'points' },
];

const ARROWS = { up: '▲', down: '▼', same: '=', none: '' } as const;

/** A change as an arrow and words ("▲ sube 25 %"), coloured too, never by colour alone. */
function Change({ change, kind }: { change: number | null; kind: ChangeKind }) {
  const { direction, amount } = changeInWords(change, kind);
  if (direction === 'none') return <Text size="xs">{t.rivals.noPrevious}</Text>;
  if (direction === 'same') return <Text size="xs">{`${ARROWS.same} ${t.rivals.same}`}</Text>;
  const words = kind === 'relative' ? t.rivals.changeRelative : t.rivals.changePoints;
  return (
    <Text size="xs" c={direction === 'up' ? 'teal.9' : 'red.9'} fw={600}>
      {`${ARROWS[direction]} ${words(direction === 'up' ? t.rivals.up : t.rivals.down, amount)}`}
    </Text>
  );
}

function MeasuresTable({ comparison }: { comparison: RivalsComparison }) {
  return (
    <Table.ScrollContainer minWidth={160 + comparison.candidates.length * 150}>
      <Table withTableBorder withColumnBorders striped fz="sm" captionSide="top" styles={READABLE_CAPTION}>
        <Table.Caption>
          {t.rivals.tableCaption(formatDay(comparison.period.from), formatDay(comparison.period.to))}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t.rivals.measure}</Table.Th>
            {comparison.candidates.map(({ candidate }) => (
              <Table.Th scope="col" key={candidate.slug}>
                {candidate.own ? `${candidate.name} (${t.dashboard.ownCandidate})` : candidate.name}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {MEASURES.map((measure) => (
            <Table.Tr key={measure.key}>
              <Table.Th scope="row">{t.dashboard.measures[measure.key]}</Table.Th>
              {comparison.candidates.map((row: Row) => (
                <Table.Td key={row.candidate.slug} data-measure={measure.key} data-candidate={row.candidate.slug}>
                  <Text size="sm" fw={600}>
                    {measure.format(row.measures[measure.key])}
                  </Text>
                  <Change change={row.change[measure.key]} kind={measure.change} />
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Posts per day per candidate, one line each in the candidate's colour; the numbers in a table too. */
function PostsChart({ comparison }: { comparison: RivalsComparison }) {
  const theme = useMantineTheme();
  const option = useMemo<ChartOption>(() => {
    const palette = [theme.colors.indigo[8], theme.colors.orange[8], theme.colors.teal[8], theme.colors.grape[7]];
    return {
      tooltip: { trigger: 'axis', valueFormatter: chartNumber },
      legend: { top: 0, type: 'scroll' },
      grid: { top: 56, left: 8, right: 8, bottom: 28, containLabel: true },
      xAxis: { type: 'category', data: comparison.series.map((point) => formatDay(point.bucket)) },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: chartNumber } },
      series: comparison.candidates.map(({ candidate }, index) => ({
        type: 'line' as const,
        name: candidate.name,
        data: comparison.series.map((point) => point.posts[candidate.slug] ?? 0),
        itemStyle: { color: candidate.color ?? palette[index % palette.length] },
        lineStyle: { width: 2 },
      })),
    };
  }, [comparison, theme]);
  const summary = t.rivals.chartSummary(
    comparison.candidates.map(({ candidate, measures }) =>
      t.rivals.chartPart(candidate.name, formatCount(measures.posts)),
    ),
  );
  return (
    <>
      <Chart option={option} label={t.rivals.chartLabel} summary={summary} height={280} />
      <VisuallyHidden>
        <Table>
          <Table.Caption>{t.rivals.seriesCaption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.conversation.day}</Table.Th>
              {comparison.candidates.map(({ candidate }) => (
                <Table.Th key={candidate.slug}>{candidate.name}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {comparison.series.map((point) => (
              <Table.Tr key={point.bucket}>
                <Table.Td>{formatDay(point.bucket)}</Table.Td>
                {comparison.candidates.map(({ candidate }) => (
                  <Table.Td key={candidate.slug}>{formatCount(point.posts[candidate.slug] ?? 0)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </VisuallyHidden>
    </>
  );
}

/** Every followed candidate side by side, each measure against the period before. */
export default function RivalsPage() {
  const role = useSession()?.user.role ?? 'viewer';
  // dashboard-ia exports to admins and analysts only.
  const exporter = CAMPAIGN_OPERATORS.includes(role);
  const candidates = useCandidates();
  const [days, setDays] = useState<PeriodDays>('14');
  const [withoutBots, setWithoutBots] = useState(false);
  const period = periodOf(days);
  const enough = (candidates.data?.length ?? 0) >= 2;
  const request = { ...period, granularity: 'day' as const, excludeBots: withoutBots };
  const comparison = useQuery({
    queryKey: ['dashboard', 'rivals', request],
    queryFn: ({ signal }) => dashboardApi.compareRivals(request, signal),
    enabled: enough,
    placeholderData: keepPreviousData,
  });

  if (candidates.isPending) return <PageSkeleton />;
  if (candidates.isError) return <ErrorMessage error={candidates.error} onRetry={() => void candidates.refetch()} />;
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t.rivals.title}</Title>
        <Text size="sm">{t.rivals.intro}</Text>
      </div>
      {!enough ? (
        <EmptyState title={t.rivals.needTwo} hint={t.dashboard.noCandidatesHint} />
      ) : (
        <>
          <Group align="flex-end" justify="space-between">
            <Group align="flex-end">
              <PeriodSelect value={days} onChange={setDays} />
              <WithoutBotsSwitch checked={withoutBots} onChange={setWithoutBots} />
            </Group>
            {exporter && (
              <DownloadButton
                label={t.rivals.download}
                filename={`rivales${withoutBots ? '-sin-bots' : ''}.csv`}
                fetchFile={() => dashboardApi.rivalsCsv(request)}
              />
            )}
          </Group>
          {comparison.isError && !comparison.data && (
            <ErrorMessage error={comparison.error} onRetry={() => void comparison.refetch()} />
          )}
          {comparison.isPending && <PageSkeleton />}
          {comparison.data && (
            <>
              <MeasuresTable comparison={comparison.data} />
              <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="rivals-chart-title">
                <Title order={3} size="h5" id="rivals-chart-title" mb="xs">
                  {t.rivals.chartTitle}
                </Title>
                <PostsChart comparison={comparison.data} />
              </Paper>
            </>
          )}
        </>
      )}
    </Stack>
  );
}
