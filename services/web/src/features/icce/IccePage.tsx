import { type ForecastDashboardResponse, ICCE_DISCLAIMER, type PollContest } from '@castor/contracts';
import { Alert, Grid, Paper, Stack, Table, Text, Title, useMantineTheme } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { dashboardApi } from '../../api/dashboard';
import { Chart, type ChartOption } from '../../components/Chart';
import { CandidateSelect, WithoutBotsSwitch } from '../../components/conversation-controls';
import { formatCount, formatDay } from '../../components/conversation-format';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { READABLE_CAPTION } from '../../components/readable-description';
import { useCandidates } from '../../components/use-candidates';
import { t } from '../../i18n/es-CO';

type CandidateEntry = ForecastDashboardResponse['candidates'][number];
type Analysis = CandidateEntry['withBots'];

const oneDecimal = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const signed = new Intl.NumberFormat('es-CO', {
  signDisplay: 'exceptZero',
  maximumFractionDigits: 2,
  minimumFractionDigits: 2,
});
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 0 });
const points = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : oneDecimal.format(value);
/** A band drawn as a stacked area: the lower edge invisible, then the width above it. */
const widths = (lower: readonly (number | null)[], upper: readonly (number | null)[]) =>
  lower.map((value, index) => {
    const top = upper[index];
    return value === null || top === null || top === undefined ? null : top - value;
  });

/** The daily ICCE with its 95 % band, and the forecast with its 80 % and 95 % intervals after it. */
function IcceChart({ name, analysis, color }: { name: string; analysis: Analysis; color: string }) {
  const theme = useMantineTheme();
  const { days, forecast } = analysis;
  const option = useMemo<ChartOption>(() => {
    const ahead = forecast.status === 'ok' ? forecast.dates : [];
    const history = <T,>(values: T[]) => [...values, ...ahead.map(() => null)];
    const future = (values: readonly (number | null)[]) => [...days.map(() => null), ...values];
    const interval = (level: number) =>
      forecast.status === 'ok' ? forecast.intervals.find((entry) => entry.level === level) : undefined;
    const i80 = interval(0.8);
    const i95 = interval(0.95);
    const band = (stack: string, name: string, data: (number | null)[], opacity: number) => ({
      type: 'line' as const,
      name,
      stack,
      data,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color, opacity },
      connectNulls: false,
    });
    const edge = (stack: string, data: (number | null)[]) => ({
      type: 'line' as const,
      stack,
      data,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      tooltip: { show: false },
    });
    const lower = days.map((day) => day.lower);
    const upper = days.map((day) => day.upper);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => points(value as number | null) },
      legend: { top: 0, type: 'scroll', data: Object.values(t.icce.series) },
      grid: { top: 40, left: 8, right: 8, bottom: 28, containLabel: true },
      xAxis: { type: 'category', data: [...days.map((day) => formatDay(day.date)), ...ahead.map(formatDay)] },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [
        edge('history', history(lower)),
        band('history', t.icce.series.band, history(widths(lower, upper)), 0.2),
        ...(i80 && i95 && forecast.status === 'ok'
          ? [
              edge('forecast', future(i95.lower)),
              band('forecast', t.icce.series.interval95, future(widths(i95.lower, i80.lower)), 0.15),
              band('forecast', t.icce.series.interval80, future(widths(i80.lower, i80.upper)), 0.3),
              band('forecast', t.icce.series.interval95, future(widths(i80.upper, i95.upper)), 0.15),
              {
                type: 'line' as const,
                name: t.icce.series.forecast,
                data: future(forecast.point),
                lineStyle: { type: 'dashed' as const, color: theme.colors.dark[7] },
                itemStyle: { color: theme.colors.dark[7] },
              },
            ]
          : []),
        {
          type: 'line' as const,
          name: t.icce.series.icce,
          data: history(days.map((day) => day.icce)),
          itemStyle: { color },
          lineStyle: { width: 2, color },
        },
      ],
    };
  }, [days, forecast, color, theme]);
  const horizon = forecast.status === 'ok' ? forecast.dates.length : 0;
  return (
    <Chart
      option={option}
      label={t.icce.chartLabel(name)}
      summary={t.icce.chartSummary(days.length, horizon)}
      height={260}
    />
  );
}

/** One candidate: the latest index and what stands behind it, momentum, forecast, backtest, polls and the chart. */
function CandidateCard({ entry, withoutBots }: { entry: CandidateEntry; withoutBots: boolean }) {
  const theme = useMantineTheme();
  const analysis = withoutBots ? entry.withoutBots : entry.withBots;
  const latest = [...analysis.days].reverse().find((day) => day.icce !== null);
  const momentum = [...analysis.momentum].reverse().find((day) => day.slope !== null);
  const { forecast, backtest } = analysis;
  const bots = entry.withBots.days.reduce((sum, day) => sum + day.suspectedBotPosts, 0);
  const last = forecast.status === 'ok' ? forecast.point.length - 1 : -1;
  const at = (level: number, side: 'lower' | 'upper') =>
    forecast.status === 'ok' ? points(forecast.intervals.find((entry) => entry.level === level)?.[side][last]) : '';
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={`ICCE de ${entry.candidate.name}`}>
      <Stack gap={6}>
        <Title order={4}>{entry.candidate.name}</Title>
        {latest ? (
          <>
            <Text fw={700} data-testid="icce-latest">
              {t.icce.latest(points(latest.icce), points(latest.lower), points(latest.upper), formatDay(latest.date))}
            </Text>
            <Text size="sm">
              {t.icce.postsBehind(
                formatCount(latest.posts),
                formatCount(latest.allTracked),
                formatCount(latest.unscored),
              )}
            </Text>
          </>
        ) : (
          <Text size="sm">{t.icce.latestNone}</Text>
        )}
        {withoutBots && <Text size="sm">{t.icce.botsLeftOut(formatCount(bots))}</Text>}
        <Text size="sm">
          {momentum?.slope != null && momentum.direction
            ? `${t.icce.momentum(signed.format(momentum.slope), signed.format(momentum.lower ?? 0), signed.format(momentum.upper ?? 0))}: ${t.icce.directions[momentum.direction]}.`
            : t.icce.momentumNone}
        </Text>
        <Text size="sm">
          {forecast.status === 'ok'
            ? t.icce.forecast(
                forecast.model,
                formatDay(forecast.dates[last] as string),
                points(forecast.point[last]),
                at(0.8, 'lower'),
                at(0.8, 'upper'),
                at(0.95, 'lower'),
                at(0.95, 'upper'),
              )
            : forecast.message}
        </Text>
        <Text size="sm">
          {backtest.status === 'ok'
            ? t.icce.backtest(
                twoDecimals.format(backtest.model.mase),
                twoDecimals.format(backtest.naive.mase),
                twoDecimals.format(backtest.seasonalNaive.mase),
                oneDecimal.format(backtest.model.smape),
                percent.format(backtest.coverage95),
                backtest.origins,
              )
            : t.icce.backtestNone(backtest.message)}
        </Text>
        {entry.polls.map(({ contest, average }) => (
          <Text size="sm" key={contest}>
            {t.icce.pollAverage(
              contest,
              oneDecimal.format(average.average),
              oneDecimal.format(average.standardError),
              average.polls,
            )}
          </Text>
        ))}
        <IcceChart
          name={entry.candidate.name}
          analysis={analysis}
          color={entry.candidate.color ?? theme.colors.indigo[7]}
        />
      </Stack>
    </Paper>
  );
}

/** Each contest's polls and weighted average, as tables; candidates by name, other options (blank, undecided) as the file wrote them. */
function PollsPanel({ contests, names }: { contests: PollContest[]; names: ReadonlyMap<string, string> }) {
  const nameOf = (option: string) => names.get(option) ?? option;
  const c = t.icce.pollColumns;
  const a = t.icce.averageColumns;
  if (contests.length === 0) return <Text size="sm">{t.icce.noPolls}</Text>;
  return (
    <Stack gap="md">
      {contests.map((contest) => (
        <Stack gap="xs" key={contest.contest}>
          <Table fz="sm" verticalSpacing={4} captionSide="top" styles={READABLE_CAPTION}>
            <Table.Caption>{t.icce.averageCaption(contest.contest, formatDay(contest.asOf))}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{a.option}</Table.Th>
                <Table.Th ta="right">{a.average}</Table.Th>
                <Table.Th ta="right">{a.error}</Table.Th>
                <Table.Th ta="right">{a.polls}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {contest.average.map((average) => (
                <Table.Tr key={average.option}>
                  <Table.Td>{nameOf(average.option)}</Table.Td>
                  <Table.Td ta="right">{oneDecimal.format(average.average)}</Table.Td>
                  <Table.Td ta="right">{oneDecimal.format(average.standardError)}</Table.Td>
                  <Table.Td ta="right">{average.polls}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Table.ScrollContainer minWidth={360}>
            <Table striped fz="xs" verticalSpacing={2} captionSide="top" styles={READABLE_CAPTION}>
              <Table.Caption>{t.icce.pollsCaption(contest.contest)}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{c.pollster}</Table.Th>
                  <Table.Th>{c.field}</Table.Th>
                  <Table.Th ta="right">{c.sample}</Table.Th>
                  <Table.Th>{c.shares}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {contest.polls.map((poll) => (
                  <Table.Tr key={`${poll.pollster}:${poll.fieldStart}:${poll.fieldEnd}`}>
                    <Table.Td>{poll.pollster}</Table.Td>
                    <Table.Td>
                      {poll.fieldStart} – {poll.fieldEnd}
                    </Table.Td>
                    <Table.Td ta="right">{formatCount(poll.sampleSize)}</Table.Td>
                    <Table.Td>
                      {Object.entries(poll.shares)
                        .map(([option, share]) => `${nameOf(option)} ${oneDecimal.format(share)}`)
                        .join(' · ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      ))}
    </Stack>
  );
}

/** The ICCE per candidate with its band, momentum and forecast; the polls beside it; and what the index is not. */
export default function IccePage() {
  const candidates = useCandidates();
  const [candidate, setCandidate] = useState<string | null>(null);
  const [withoutBots, setWithoutBots] = useState(false);
  const query = { candidate: candidate ?? undefined };
  const dashboard = useQuery({
    queryKey: ['dashboard', 'forecast', query],
    queryFn: ({ signal }) => dashboardApi.forecastDashboard(query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 300_000,
  });
  const data = dashboard.data;
  const names = new Map((candidates.data ?? []).map((item) => [item.slug, item.name]));

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t.icce.title}</Title>
        <Text size="sm">{t.icce.intro}</Text>
      </div>
      <Alert variant="light" color="yellow" role="note" aria-label={t.icce.disclaimerTitle}>
        <Text fw={700} size="sm">
          {t.icce.disclaimerTitle}
        </Text>
        <Text size="sm" data-testid="icce-disclaimer">
          {data?.disclaimer ?? ICCE_DISCLAIMER}
        </Text>
      </Alert>
      <Stack gap="xs">
        <CandidateSelect candidates={candidates.data ?? []} value={candidate} onChange={setCandidate} all />
        <WithoutBotsSwitch checked={withoutBots} onChange={setWithoutBots} />
      </Stack>
      {dashboard.isError && !data && <ErrorMessage error={dashboard.error} onRetry={() => void dashboard.refetch()} />}
      {dashboard.isPending && <PageSkeleton />}
      {data && data.candidates.length === 0 && (
        <EmptyState title={t.dashboard.noCandidates} hint={t.dashboard.noCandidatesHint} />
      )}
      {data && data.candidates.length > 0 && (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <section aria-labelledby="icce-candidates-title">
              <Title order={3} size="h4" id="icce-candidates-title" mb={4}>
                {t.icce.candidatesTitle}
              </Title>
              <Text size="xs" mb="xs">
                {t.icce.formula(twoDecimals.format(data.alpha))}
              </Text>
              <Stack gap="md">
                {data.candidates.map((entry) => (
                  <CandidateCard key={entry.candidate.slug} entry={entry} withoutBots={withoutBots} />
                ))}
              </Stack>
            </section>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <section aria-labelledby="icce-polls-title">
              <Title order={3} size="h4" id="icce-polls-title" mb={4}>
                {t.icce.pollsTitle}
              </Title>
              <Text size="xs" mb="xs">
                {t.icce.pollsIntro}
              </Text>
              <PollsPanel contests={data.polls} names={names} />
            </section>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
