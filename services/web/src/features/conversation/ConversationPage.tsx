import type { MediaAnalysis } from '@castor/contracts';
import { Badge, Group, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { dashboardApi } from '../../api/dashboard';
import { useSession } from '../../api/session';
import {
  CandidateSelect,
  type PeriodDays,
  PeriodSelect,
  periodOf,
  WithoutBotsSwitch,
} from '../../components/conversation-controls';
import { formatCount, formatDateTime, formatNet, formatShare } from '../../components/conversation-format';
import { DownloadButton } from '../../components/DownloadButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { CAMPAIGN_OPERATORS, useCandidates } from '../../components/use-candidates';
import { t } from '../../i18n/es-CO';
import { OverTimeChart } from './OverTimeChart';
import { PostImportCard } from './PostImportCard';
import { useMediaAnalysis } from './queries';
import { XBudgetCard } from './XBudgetCard';

function Measure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Text fz={26} fw={700}>
        {value}
      </Text>
      {hint && <Text size="xs">{hint}</Text>}
    </Paper>
  );
}

function Figures({ analysis }: { analysis: MediaAnalysis }) {
  const { totals, bots, sentiment } = analysis;
  const m = t.dashboard.measures;
  return (
    <section aria-labelledby="figures-title">
      <Title order={3} size="h4" id="figures-title" mb="sm">
        {t.conversation.figuresTitle}
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
        <Measure
          label={m.posts}
          value={formatCount(totals.posts)}
          hint={
            bots.excludeBots
              ? t.dashboard.botsLeftOut(formatCount(bots.suspectedBotPosts))
              : t.dashboard.botsIncluded(formatCount(bots.suspectedBotPosts))
          }
        />
        <Measure label={m.authors} value={formatCount(totals.authors)} />
        <Measure label={m.engagement} value={formatCount(totals.engagement)} />
        <Measure label={m.shareOfVoice} value={formatShare(analysis.shareOfVoice)} hint={t.conversation.shareNote} />
        <Measure label={m.botShare} value={formatShare(totals.botShare)} />
        <Measure label={m.net} value={formatNet(sentiment.net)} hint={t.dashboard.netHint} />
      </SimpleGrid>
    </section>
  );
}

function WrittenSummary({ summary }: { summary: MediaAnalysis['summary'] }) {
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="summary-title">
      <Title order={3} size="h5" id="summary-title" mb="xs">
        {t.conversation.summaryTitle}
      </Title>
      <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
        {summary.text}
      </Text>
      <Text size="xs" mt="xs" fs="italic">
        {summary.provider === 'offline'
          ? t.conversation.summaryOffline
          : t.conversation.summaryBy(summary.provider, summary.model)}
      </Text>
    </Paper>
  );
}

function TopPosts({ posts }: { posts: MediaAnalysis['topPosts'] }) {
  const c = t.conversation.columns;
  return (
    <section aria-labelledby="top-posts-title">
      <Title order={3} size="h5" id="top-posts-title" mb="xs">
        {t.conversation.topPostsTitle}
      </Title>
      {posts.length === 0 ? (
        <Text size="sm">{t.conversation.noPosts}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped withTableBorder fz="sm" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{c.post}</Table.Th>
                <Table.Th>{c.author}</Table.Th>
                <Table.Th>{c.date}</Table.Th>
                <Table.Th ta="right">{c.engagement}</Table.Th>
                <Table.Th>{c.sentiment}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {posts.map((post) => (
                <Table.Tr key={post.id}>
                  <Table.Td>{post.text}</Table.Td>
                  <Table.Td>
                    @{post.authorUsername}
                    {post.suspectedBot && (
                      <Badge ml={4} size="xs" color="yellow">
                        {t.dashboard.suspectedBot}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{formatDateTime(post.postedAt)}</Table.Td>
                  <Table.Td ta="right">{formatCount(post.engagement)}</Table.Td>
                  <Table.Td>{post.sentiment ? t.dashboard.sentiments[post.sentiment] : t.dashboard.unscored}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}

function TopAuthors({ authors }: { authors: MediaAnalysis['topAuthors'] }) {
  const c = t.conversation.columns;
  return (
    <section aria-labelledby="top-authors-title">
      <Title order={3} size="h5" id="top-authors-title" mb="xs">
        {t.conversation.topAuthorsTitle}
      </Title>
      <Table.ScrollContainer minWidth={360}>
        <Table striped withTableBorder fz="sm" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{c.author}</Table.Th>
              <Table.Th ta="right">{c.posts}</Table.Th>
              <Table.Th ta="right">{c.engagement}</Table.Th>
              <Table.Th>{c.bot}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {authors.map((author) => (
              <Table.Tr key={author.id}>
                <Table.Td>@{author.username}</Table.Td>
                <Table.Td ta="right">{formatCount(author.posts)}</Table.Td>
                <Table.Td ta="right">{formatCount(author.engagement)}</Table.Td>
                <Table.Td>{author.suspectedBot ? t.conversation.yes : t.conversation.no}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </section>
  );
}

function Topics({ topics }: { topics: MediaAnalysis['topics'] }) {
  return (
    <section aria-labelledby="topics-title">
      <Title order={3} size="h5" id="topics-title" mb="xs">
        {t.conversation.topicsTitle}
      </Title>
      {topics.length === 0 ? (
        <Text size="sm">{t.conversation.noTopics}</Text>
      ) : (
        <List size="sm" spacing={4}>
          {topics.map((topic) => (
            <List.Item key={topic.label}>
              <Text span fw={600} size="sm">
                {topic.label}
              </Text>{' '}
              ({formatCount(topic.posts)} {t.dashboard.measures.posts.toLowerCase()}): {topic.terms.join(', ')}
            </List.Item>
          ))}
        </List>
      )}
    </section>
  );
}

/** The conversation about one candidate over a period: figures, over time, summary, top posts, authors and topics. */
export default function ConversationPage() {
  const role = useSession()?.user.role ?? 'viewer';
  const candidates = useCandidates();
  const [chosen, setChosen] = useState<string | null>(null);
  const [days, setDays] = useState<PeriodDays>('14');
  const [withoutBots, setWithoutBots] = useState(false);
  const candidate = chosen ?? candidates.data?.[0]?.slug ?? null;
  const period = periodOf(days);
  const analysis = useMediaAnalysis(candidate, period, withoutBots);
  // Importing, the X budget and the exports are for admins and analysts (dashboard-ia's rule).
  const operator = CAMPAIGN_OPERATORS.includes(role);

  if (candidates.isPending) return <PageSkeleton />;
  if (candidates.isError) return <ErrorMessage error={candidates.error} onRetry={() => void candidates.refetch()} />;

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t.conversation.title}</Title>
        <Text size="sm">{t.conversation.intro}</Text>
      </div>
      {candidates.data.length === 0 ? (
        <EmptyState title={t.dashboard.noCandidates} hint={t.dashboard.noCandidatesHint} />
      ) : (
        <>
          <Group align="flex-end" justify="space-between">
            <Group align="flex-end">
              <CandidateSelect candidates={candidates.data} value={candidate} onChange={setChosen} />
              <PeriodSelect value={days} onChange={setDays} />
              <WithoutBotsSwitch checked={withoutBots} onChange={setWithoutBots} />
            </Group>
            {candidate && operator && (
              <DownloadButton
                label={t.conversation.downloadPosts}
                filename={`publicaciones-${candidate}${withoutBots ? '-sin-bots' : ''}.csv`}
                fetchFile={() => dashboardApi.postsCsv({ candidate, ...period, excludeBots: withoutBots })}
              />
            )}
          </Group>
          <div aria-live="polite" aria-busy={analysis.isFetching}>
            {analysis.isError && !analysis.data && (
              <ErrorMessage error={analysis.error} onRetry={() => void analysis.refetch()} />
            )}
            {analysis.isPending && analysis.isFetching && <PageSkeleton />}
            {analysis.data && <Figures analysis={analysis.data} />}
          </div>
          {analysis.data && (
            <>
              <section aria-labelledby="over-time-title">
                <Title order={3} size="h4" id="over-time-title" mb="sm">
                  {t.conversation.overTimeTitle}
                </Title>
                <OverTimeChart analysis={analysis.data} />
              </section>
              <WrittenSummary summary={analysis.data.summary} />
              <TopPosts posts={analysis.data.topPosts} />
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <TopAuthors authors={analysis.data.topAuthors} />
                <Topics topics={analysis.data.topics} />
              </SimpleGrid>
            </>
          )}
        </>
      )}
      {operator && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <XBudgetCard role={role} />
          <PostImportCard />
        </SimpleGrid>
      )}
    </Stack>
  );
}
