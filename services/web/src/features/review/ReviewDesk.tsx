import type { ReviewAnswer, ReviewOutcome } from '@castor/contracts';
import { Alert, Grid, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { t } from '../../i18n/es-CO';
import { AnswerInput, KeyLegend } from './AnswerInput';
import { loadNextTask, reviewApi, usePendingTask } from './queries';
import { TaskFacts } from './TaskFacts';
import { TaskImages } from './TaskImages';

/** How often an empty desk asks for new cells. */
const EMPTY_QUEUE_POLL_SECONDS = 15;

/** Refusals after which the task in hand is gone for this reviewer: the desk moves on to the next. */
const MOVE_ON_CODES = new Set([
  'REVIEW_TASK_CLOSED',
  'REVIEW_TASK_ESCALATED',
  'REVIEW_ENTRY_CONFLICT',
  'REVIEW_LEASE_HELD',
  'REVIEW_LEASE_INVALID',
  'REVIEW_TASK_NOT_FOUND',
]);

const clock = new Intl.DateTimeFormat('es-CO', { timeStyle: 'short' });
const decimal = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 1 });

type Notice = { kind: 'done'; text: string } | { kind: 'error'; error: unknown };

function outcomeText(outcome: ReviewOutcome): string {
  if (outcome.replay) return t.review.outcome.replay;
  if (outcome.status === 'done') {
    return outcome.resolved?.resolution === 'admin' ? t.review.outcome.decided : t.review.outcome.agreed;
  }
  if (outcome.status === 'escalated') return t.review.outcome.escalated;
  return t.review.outcome.waiting;
}

/** What the reviewer has done since opening the desk: the API keeps no per-reviewer throughput. */
function useSessionThroughput() {
  const [openedAt] = useState(() => Date.now());
  const [durations, setDurations] = useState<number[]>([]);
  const sorted = [...durations].sort((a, b) => a - b);
  const median = sorted.length === 0 ? null : (sorted[Math.floor(sorted.length / 2)] ?? 0) / 1_000;
  // Under a minute the rate is the count so far: one quick first cell is not sixty a minute.
  const minutes = Math.max((Date.now() - openedAt) / 60_000, 1);
  return {
    answered: durations.length,
    perMinute: durations.length / minutes,
    medianSeconds: median,
    record: (milliseconds: number) => setDurations((previous) => [...previous, milliseconds]),
  };
}

function SessionStats({ throughput }: { throughput: ReturnType<typeof useSessionThroughput> }) {
  const items: Array<[string, string]> = [
    [t.review.session.answered, String(throughput.answered)],
    [t.review.session.perMinute, decimal.format(throughput.perMinute)],
    [
      t.review.session.secondsPerCell,
      throughput.medianSeconds === null ? '—' : decimal.format(throughput.medianSeconds),
    ],
  ];
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" fw={600} tt="uppercase">
        {t.review.session.title}
      </Text>
      <SimpleGrid cols={3} spacing="xs" mt={4}>
        {items.map(([label, value]) => (
          <div key={label}>
            <Text fz={22} fw={700} lh={1.2}>
              {value}
            </Text>
            <Text size="xs">{label}</Text>
          </div>
        ))}
      </SimpleGrid>
      <Text size="xs" mt="xs">
        {t.review.session.accuracyNote}
      </Text>
    </Paper>
  );
}

/**
 * The reviewer's desk: the leased cell beside its crops, answered from the keyboard. The next
 * cell (leased only once this one is answered) comes with its images already downloaded; the
 * lease is taken again when it expires while the person still works on the cell.
 */
export function ReviewDesk() {
  const queryClient = useQueryClient();
  const pending = usePendingTask(EMPTY_QUEUE_POLL_SECONDS);
  const task = pending.data ?? null;
  const [notice, setNotice] = useState<Notice | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const busy = useRef(false);
  // When the cell in hand was shown (with its images): the time it took is the reviewer's.
  const shownAt = useRef(performance.now());
  const throughput = useSessionThroughput();

  const taskId = task?.taskId;
  const expiresAt = task?.lease?.expiresAt;
  // No renewal endpoint exists: once the lease runs out, asking again re-takes the same cell (the
  // oldest the reviewer has not answered) unless another reviewer took it first.
  useEffect(() => {
    if (taskId === undefined || !expiresAt) return;
    const timer = setTimeout(
      () => {
        if (busy.current) return;
        loadNextTask(queryClient)
          .then((again) => {
            if (again?.taskId !== taskId) setNotice({ kind: 'done', text: t.review.leaseLost });
          })
          .catch((error: unknown) => setNotice({ kind: 'error', error }));
      },
      Math.max(0, Date.parse(expiresAt) - Date.now()) + 1_000,
    );
    return () => clearTimeout(timer);
  }, [taskId, expiresAt, queryClient]);

  const answer = async (given: ReviewAnswer) => {
    if (!task || busy.current) return;
    busy.current = true;
    setSubmitting(true);
    try {
      const outcome = await reviewApi.submit(task, given);
      throughput.record(performance.now() - shownAt.current);
      setNotice({ kind: 'done', text: outcomeText(outcome) });
    } catch (error) {
      setNotice({ kind: 'error', error });
      if (!(error instanceof ApiError && MOVE_ON_CODES.has(error.code))) {
        busy.current = false;
        setSubmitting(false);
        return;
      }
    }
    try {
      await loadNextTask(queryClient);
      shownAt.current = performance.now();
    } catch (error) {
      setNotice({ kind: 'error', error });
    } finally {
      busy.current = false;
      setSubmitting(false);
    }
  };

  if (pending.isPending) return <PageSkeleton />;
  if (pending.isError) return <ErrorMessage error={pending.error} onRetry={() => void pending.refetch()} />;

  return (
    <Stack gap="md">
      <div aria-live="polite">
        {notice?.kind === 'done' && (
          <Alert color="teal" variant="light" p="xs">
            <Text size="sm">{notice.text}</Text>
          </Alert>
        )}
        {notice?.kind === 'error' && <ErrorMessage error={notice.error} />}
      </div>
      {!task ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <EmptyState title={t.review.emptyQueue} hint={t.review.emptyQueueHint(EMPTY_QUEUE_POLL_SECONDS)} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <SessionStats throughput={throughput} />
          </Grid.Col>
        </Grid>
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <TaskImages task={task} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap="sm">
              <Paper withBorder p="sm" radius="md">
                <Stack gap="sm">
                  <TaskFacts task={task} stage={t.review.entry(task.entries)} />
                  <AnswerInput
                    key={task.taskId}
                    label={t.review.answerLabel}
                    disabled={submitting}
                    onAnswer={(given) => void answer(given)}
                  />
                  {submitting && <Text size="sm">{t.review.sending}</Text>}
                  <KeyLegend />
                  {expiresAt && <Text size="xs">{t.review.leaseUntil(clock.format(new Date(expiresAt)))}</Text>}
                </Stack>
              </Paper>
              <SessionStats throughput={throughput} />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
