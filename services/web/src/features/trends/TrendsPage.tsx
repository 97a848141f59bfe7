import { type SpikeAlert, TREND_WINDOWS, type Trend } from '@castor/contracts';
import { Accordion, Badge, Group, Paper, Select, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { dashboardApi, type TrendingQuery, type TrendWindow } from '../../api/dashboard';
import { CandidateSelect } from '../../components/conversation-controls';
import { formatCount, formatDateTime } from '../../components/conversation-format';
import { DownloadButton } from '../../components/DownloadButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { READABLE_CAPTION } from '../../components/readable-description';
import { useCandidates } from '../../components/use-candidates';
import { t } from '../../i18n/es-CO';

const decimal = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 1 });

function TrendPosts({ trend }: { trend: Trend }) {
  const c = t.conversation.columns;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped fz="sm" verticalSpacing={4} captionSide="top" styles={READABLE_CAPTION}>
        <Table.Caption>{t.trends.postsOf(trend.term)}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{c.post}</Table.Th>
            <Table.Th>{c.author}</Table.Th>
            <Table.Th>{c.date}</Table.Th>
            <Table.Th ta="right">{c.engagement}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {trend.posts.map((post) => (
            <Table.Tr key={post.id}>
              <Table.Td>{post.text}</Table.Td>
              <Table.Td>@{post.authorUsername}</Table.Td>
              <Table.Td>{formatDateTime(post.postedAt)}</Table.Td>
              <Table.Td ta="right">{formatCount(post.engagement)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Each trend as an item that opens on the posts behind it. */
function TrendList({ trends }: { trends: Trend[] }) {
  if (trends.length === 0) return <Text size="sm">{t.trends.none}</Text>;
  return (
    <Accordion variant="separated" multiple>
      {trends.map((trend) => (
        <Accordion.Item
          key={`${trend.kind}:${trend.candidate ?? ''}:${trend.term}`}
          value={`${trend.kind}:${trend.candidate ?? ''}:${trend.term}`}
        >
          <Accordion.Control>
            <Group gap="xs" wrap="wrap">
              <Badge>{t.trends.kinds[trend.kind]}</Badge>
              <Text fw={700}>{trend.term}</Text>
              {trend.kind === 'topic' && <Text size="sm">({trend.terms.join(', ')})</Text>}
              <Text size="sm">
                {t.trends.figures(
                  formatCount(trend.volume),
                  decimal.format(trend.baseline),
                  decimal.format(trend.zScore),
                  formatCount(trend.authors),
                )}
              </Text>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <TrendPosts trend={trend} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

function SpikeList({ spikes, names }: { spikes: SpikeAlert[]; names: Map<string, string> }) {
  if (spikes.length === 0) return <Text size="sm">{t.trends.noSpikes}</Text>;
  return (
    <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {spikes.map((spike) => (
        <Paper key={spike.id} component="li" withBorder p="xs" radius="md">
          <Group gap="xs" wrap="wrap">
            <Badge color="yellow">{t.trends.spikeKinds[spike.kind]}</Badge>
            <Text size="sm" fw={600}>
              {spike.candidate ? (names.get(spike.candidate) ?? spike.candidate) : t.trends.overall}
            </Text>
            <Text size="sm">
              {t.trends.spike(
                spike.term,
                formatCount(spike.volume),
                decimal.format(spike.baseline),
                decimal.format(spike.zScore),
              )}
            </Text>
          </Group>
          <Text size="xs">{t.trends.spikeAt(formatDateTime(spike.detectedAt))}</Text>
        </Paper>
      ))}
    </Stack>
  );
}

/** What rises now against its baseline, per candidate or overall, with its posts; and the spike alerts. */
export default function TrendsPage() {
  const candidates = useCandidates();
  const [candidate, setCandidate] = useState<string | null>(null);
  const [trendWindow, setTrendWindow] = useState<TrendWindow>('24h');
  const [includeBots, setIncludeBots] = useState(false);
  const query: TrendingQuery = { candidate: candidate ?? undefined, window: trendWindow, includeBots };
  const trending = useQuery({
    queryKey: ['dashboard', 'trending', query],
    queryFn: ({ signal }) => dashboardApi.trending(query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const spikes = useQuery({
    queryKey: ['dashboard', 'spikes', candidate],
    queryFn: () => dashboardApi.spikes({ candidate: candidate ?? undefined, limit: 20 }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const names = new Map((candidates.data ?? []).map((item) => [item.slug, item.name]));

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t.trends.title}</Title>
        <Text size="sm">{t.trends.intro}</Text>
      </div>
      <Group align="flex-end" justify="space-between">
        <Group align="flex-end">
          <CandidateSelect candidates={candidates.data ?? []} value={candidate} onChange={setCandidate} all />
          <Select
            label={t.trends.window}
            data={TREND_WINDOWS.map((value) => ({ value, label: t.trends.windows[value] }))}
            value={trendWindow}
            onChange={(value) => value && setTrendWindow(value as TrendWindow)}
            allowDeselect={false}
            w={200}
          />
          <Switch
            label={t.trends.includeBots}
            checked={includeBots}
            onChange={(event) => setIncludeBots(event.currentTarget.checked)}
          />
        </Group>
        <DownloadButton
          label={t.trends.download}
          filename={`tendencias-${candidate ?? 'general'}-${trendWindow}.csv`}
          fetchFile={() => dashboardApi.trendingCsv(query)}
        />
      </Group>
      <section aria-labelledby="trends-title">
        <Title order={3} size="h4" id="trends-title" mb="xs">
          {t.trends.listTitle}
        </Title>
        {trending.isError && !trending.data && (
          <ErrorMessage error={trending.error} onRetry={() => void trending.refetch()} />
        )}
        {trending.isPending && <PageSkeleton />}
        {trending.data && (
          <Stack gap="xs">
            <Text size="xs">
              {t.trends.rule(
                decimal.format(trending.data.rule.minZ),
                trending.data.rule.minAuthors,
                trending.data.rule.baselineWindows,
              )}
            </Text>
            <TrendList trends={trending.data.trends} />
          </Stack>
        )}
      </section>
      <section aria-labelledby="spikes-title">
        <Title order={3} size="h4" id="spikes-title" mb="xs">
          {t.trends.spikesTitle}
        </Title>
        {spikes.isError && !spikes.data && <ErrorMessage error={spikes.error} onRetry={() => void spikes.refetch()} />}
        {spikes.data && <SpikeList spikes={spikes.data.spikes} names={names} />}
      </section>
    </Stack>
  );
}
