import type { ReviewAnswer, ReviewTask } from '@castor/contracts';
import { Button, Grid, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ActionStatus } from '../../components/ActionStatus';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { t } from '../../i18n/es-CO';
import { AnswerInput, KeyLegend } from './AnswerInput';
import { invalidateReviewState, reviewApi, useEscalatedTasks, useReviewerStats } from './queries';
import { TaskFacts } from './TaskFacts';
import { TaskImages } from './TaskImages';

const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });

/**
 * An admin's way out of a disagreement: the escalated cells, each with its crops, closed with
 * the admin's value. The API does not send the reviewers' entries (double entry stays blind).
 */
export function DisagreementsPanel() {
  const queryClient = useQueryClient();
  const escalated = useEscalatedTasks();
  const [selected, setSelected] = useState<ReviewTask | null>(null);
  const [decided, setDecided] = useState<string | null>(null);
  const decide = useMutation({
    mutationFn: ({ task, answer }: { task: ReviewTask; answer: ReviewAnswer }) => reviewApi.decide(task.taskId, answer),
    onSuccess: (_outcome, { task }) => {
      setDecided(t.review.disagreements.decided(task.field.label));
      setSelected(null);
      void invalidateReviewState(queryClient);
    },
  });

  if (escalated.isPending) return <PageSkeleton />;
  if (escalated.isError) return <ErrorMessage error={escalated.error} onRetry={() => void escalated.refetch()} />;
  const tasks = escalated.data.tasks;
  const columns = t.review.disagreements.columns;

  return (
    <Stack gap="md">
      <Text size="sm">{t.review.disagreements.intro}</Text>
      <ActionStatus done={decided} error={decide.isError ? decide.error : null} />
      {tasks.length === 0 ? (
        <EmptyState title={t.review.disagreements.empty} hint={t.review.disagreements.emptyHint} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{columns.task}</Table.Th>
                <Table.Th>{columns.mesa}</Table.Th>
                <Table.Th>{columns.field}</Table.Th>
                <Table.Th>{columns.reason}</Table.Th>
                <Table.Th>{columns.entries}</Table.Th>
                <Table.Th>{columns.action}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tasks.map((task) => (
                <Table.Tr key={task.taskId}>
                  <Table.Td>{task.taskId}</Table.Td>
                  <Table.Td>{task.context.mesaKey}</Table.Td>
                  <Table.Td>{task.field.label}</Table.Td>
                  <Table.Td>{t.review.reasons[task.reason]}</Table.Td>
                  <Table.Td>{t.review.disagreements.entries(task.entries)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="default" onClick={() => setSelected(task)}>
                      {t.review.disagreements.select}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {selected && (
        <section aria-labelledby="review-deciding">
          <Title order={3} size="h5" id="review-deciding" mb="xs">
            {t.review.disagreements.selected}
          </Title>
          <Grid>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <TaskImages task={selected} cellHeight={160} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Paper withBorder p="sm" radius="md">
                <Stack gap="sm">
                  <TaskFacts task={selected} stage={t.review.disagreements.entries(selected.entries)} />
                  <AnswerInput
                    key={selected.taskId}
                    label={t.review.disagreements.answerLabel}
                    disabled={decide.isPending}
                    onAnswer={(answer) => decide.mutate({ task: selected, answer })}
                  />
                  <KeyLegend />
                </Stack>
              </Paper>
            </Grid.Col>
          </Grid>
        </section>
      )}
    </Stack>
  );
}

/** Each reviewer's accuracy against the values the cells were closed with, and the open backlog. */
export function ReviewersPanel() {
  const stats = useReviewerStats();
  if (stats.isPending) return <PageSkeleton />;
  if (stats.isError) return <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />;
  const { backlog, reviewers } = stats.data;
  const columns = t.review.reviewers.columns;
  return (
    <Stack gap="sm">
      <Text size="sm">
        {t.review.reviewers.intro} {t.review.reviewers.backlog(backlog.pending, backlog.escalated)}
      </Text>
      {reviewers.length === 0 ? (
        <EmptyState title={t.review.reviewers.empty} />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{columns.reviewer}</Table.Th>
                <Table.Th ta="right">{columns.entries}</Table.Th>
                <Table.Th ta="right">{columns.judged}</Table.Th>
                <Table.Th ta="right">{columns.agreed}</Table.Th>
                <Table.Th ta="right">{columns.accuracy}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reviewers.map((row) => (
                <Table.Tr key={row.reviewerId}>
                  <Table.Td>{row.name}</Table.Td>
                  <Table.Td ta="right">{row.entries}</Table.Td>
                  <Table.Td ta="right">{row.judged}</Table.Td>
                  <Table.Td ta="right">{row.agreed}</Table.Td>
                  <Table.Td ta="right">
                    {row.accuracy === null ? t.review.reviewers.noAccuracy : percent.format(row.accuracy)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
