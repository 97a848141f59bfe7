import type { AdvisorEvidence, Recommendation } from '@castor/contracts';
import { Alert, Anchor, Badge, Button, Group, List, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { dashboardApi } from '../../api/dashboard';
import { useSession } from '../../api/session';
import { ActionStatus } from '../../components/ActionStatus';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { t } from '../../i18n/es-CO';

// The task board's shades (text above 4.5:1 on each).
const PRIORITY_COLORS = { low: 'gray.7', medium: 'blue.8', high: 'yellow', urgent: 'red.9' } as const;
const RECOMMENDATIONS_KEY = ['dashboard', 'advisor', 'recommendations'];

function Evidence({ entry }: { entry: AdvisorEvidence }) {
  return (
    <List.Item>
      <Text size="sm" span fw={600}>
        {t.advisor.evidenceKinds[entry.kind]}:
      </Text>{' '}
      <Text size="sm" span>
        {entry.label}
      </Text>
    </List.Item>
  );
}

function RecommendationCard({ recommendation, editor }: { recommendation: Recommendation; editor: boolean }) {
  const queryClient = useQueryClient();
  const toTask = useMutation({
    mutationFn: () => dashboardApi.recommendationTask(recommendation.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['dashboard'] }),
  });
  const hasTask = recommendation.taskId !== null || toTask.isSuccess;
  return (
    <Paper withBorder p="md" radius="md" component="li" data-recommendation={recommendation.title}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={4} size="h5">
            {recommendation.title}
          </Title>
          <Badge color={PRIORITY_COLORS[recommendation.priority]} style={{ flexShrink: 0 }}>
            {t.team.priorities[recommendation.priority]}
          </Badge>
        </Group>
        <Text size="sm">
          <Text span fw={600}>
            {t.advisor.why}:
          </Text>{' '}
          {recommendation.why}
        </Text>
        <Text size="sm">
          {t.advisor.owner}: {t.team.roles[recommendation.ownerRole]}
        </Text>
        <div>
          <Text size="sm" fw={600}>
            {t.advisor.evidence}
          </Text>
          <List size="sm" spacing={2}>
            {recommendation.evidence.map((entry) => (
              <Evidence key={entry.id} entry={entry} />
            ))}
          </List>
        </div>
        {editor && (
          <Group gap="sm">
            <Button
              size="xs"
              onClick={() => toTask.mutate()}
              loading={toTask.isPending}
              disabled={hasTask}
              aria-label={`${hasTask ? t.advisor.taskExists : t.advisor.createTask}: ${recommendation.title}`}
            >
              {hasTask ? t.advisor.taskExists : t.advisor.createTask}
            </Button>
            {hasTask && (
              <Anchor component={Link} to="/equipo" size="sm">
                {t.advisor.openBoard}
              </Anchor>
            )}
          </Group>
        )}
        <ActionStatus done={toTask.data ? t.advisor.taskCreated(toTask.data.title) : null} error={toTask.error} />
      </Stack>
    </Paper>
  );
}

/** The advisor: recommendations grounded in the campaign's evidence, each one click from a team task. */
export default function AdvisorPage() {
  const user = useSession()?.user;
  const editor = user?.role === 'admin' || user?.role === 'analyst';
  const [days, setDays] = useState(7);
  const queryClient = useQueryClient();
  const recent = useQuery({ queryKey: RECOMMENDATIONS_KEY, queryFn: dashboardApi.recommendations });
  const generate = useMutation({
    mutationFn: () => dashboardApi.recommend({ days }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: RECOMMENDATIONS_KEY }),
  });
  const answer = generate.data;
  const shown = answer?.recommendations ?? recent.data ?? [];

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t.advisor.title}</Title>
        <Text size="sm">{t.advisor.intro}</Text>
        <Text size="sm" fw={600} mt={4}>
          {t.advisor.disclaimer}
        </Text>
      </div>
      {editor && (
        <Group align="flex-end">
          <NumberInput
            label={t.advisor.days}
            value={days}
            onChange={(value) => setDays(typeof value === 'number' ? value : 7)}
            min={1}
            max={30}
            w={200}
          />
          <Button onClick={() => generate.mutate()} loading={generate.isPending}>
            {t.advisor.generate}
          </Button>
        </Group>
      )}
      {generate.isError && <ErrorMessage error={generate.error} />}
      {answer && (
        <Alert color={answer.answeredBy.offline ? 'gray' : 'blue'} variant="light" p="xs">
          <Text size="sm">
            {answer.answeredBy.offline
              ? t.advisor.offline
              : t.advisor.answeredBy(answer.answeredBy.provider, answer.answeredBy.model)}
          </Text>
        </Alert>
      )}
      <section aria-labelledby="recommendations-title">
        <Title order={3} size="h4" id="recommendations-title" mb="sm">
          {t.advisor.recentTitle}
        </Title>
        {recent.isError && !recent.data && <ErrorMessage error={recent.error} onRetry={() => void recent.refetch()} />}
        {recent.isPending && !answer && <PageSkeleton />}
        {!recent.isPending && shown.length === 0 && <EmptyState title={t.advisor.empty} />}
        <Stack component="ul" gap="sm" p={0} style={{ listStyle: 'none' }}>
          {shown.map((recommendation) => (
            <RecommendationCard key={recommendation.id} recommendation={recommendation} editor={editor} />
          ))}
        </Stack>
      </section>
    </Stack>
  );
}
