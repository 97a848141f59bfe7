import type { ReviewAnswer, ReviewOutcome, ReviewTask } from '@castor/contracts';
import { Grid, Paper, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ApiError } from '../../api/http';
import { ActionStatus } from '../../components/ActionStatus';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { t } from '../../i18n/es-CO';
import { AnswerInput, KeyLegend } from './AnswerInput';
import { MyStats } from './MyStats';
import { currentTask, moveOn, refreshMyActivity, reviewApi, usePendingTask } from './queries';
import { TaskFacts } from './TaskFacts';
import { TaskImages } from './TaskImages';
import { MOVE_ON_CODES, useLeaseKeeper } from './useLeaseKeeper';

/** How often an empty desk asks for new cells. */
const EMPTY_QUEUE_POLL_SECONDS = 15;

const clock = new Intl.DateTimeFormat('es-CO', { timeStyle: 'short' });

type Notice = { kind: 'done'; text: string } | { kind: 'error'; error: unknown };

function outcomeText(outcome: ReviewOutcome): string {
  if (outcome.replay) return t.review.outcome.replay;
  if (outcome.status === 'done') {
    return outcome.resolved?.resolution === 'admin' ? t.review.outcome.decided : t.review.outcome.agreed;
  }
  if (outcome.status === 'escalated') return t.review.outcome.escalated;
  return t.review.outcome.waiting;
}

/**
 * The reviewer's desk: the leased cell beside its crops, answered (or skipped) from the keyboard.
 * The API leases the next cell ahead and its images are downloaded while this one is read, so
 * Enter shows it at once; the lease of the cell on screen is renewed while the person works.
 */
export function ReviewDesk() {
  const queryClient = useQueryClient();
  const pending = usePendingTask(EMPTY_QUEUE_POLL_SECONDS);
  const task = pending.data?.task ?? null;
  const [notice, setNotice] = useState<Notice | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const busy = useRef(false);
  // The API's answer for the pair after the upcoming cell shown at once: the next move waits for it.
  const refreshing = useRef<Promise<void>>(Promise.resolve());

  /** Shows the next cell, then hears whether the API still has it for this reviewer. */
  const advance = async (doneTaskId: number) => {
    const { shown, refreshed } = await moveOn(queryClient, refreshing.current, doneTaskId);
    refreshing.current = refreshed.then(
      (next) => {
        // While the reviewer is already acting on it, a different task is the API seeing this one done.
        if (shown && next.task?.taskId !== shown.taskId && !busy.current) {
          setNotice({ kind: 'done', text: t.review.leaseLost });
        }
      },
      (error: unknown) => setNotice({ kind: 'error', error }),
    );
    refreshMyActivity(queryClient);
  };

  /**
   * Does `work` on the cell the reviewer sees (answer, skip), says how it went and moves on; a
   * refusal that leaves the cell theirs keeps it on screen. The ask for the pair after the cell
   * shown last may still be out: it is waited for only after `work`, so both overlap.
   */
  const act = async (work: (seen: ReviewTask) => Promise<string>) => {
    const seen = task;
    if (!seen || busy.current) return;
    busy.current = true;
    setSubmitting(true);
    try {
      try {
        setNotice({ kind: 'done', text: await work(seen) });
      } catch (error) {
        setNotice({ kind: 'error', error });
        if (!(error instanceof ApiError && MOVE_ON_CODES.has(error.code))) return;
      }
      await advance(seen.taskId);
    } catch (error) {
      setNotice({ kind: 'error', error });
    } finally {
      busy.current = false;
      setSubmitting(false);
    }
  };

  const answer = (given: ReviewAnswer) => void act(async (seen) => outcomeText(await reviewApi.submit(seen, given)));
  const skip = () =>
    void act(async (seen) => {
      await reviewApi.skip(seen);
      return t.review.skipped;
    });
  const typed = useLeaseKeeper(task, (lostTaskId) => {
    if (!busy.current && currentTask(queryClient)?.taskId === lostTaskId) void act(async () => t.review.renewalLost);
  });

  const expiresAt = task?.lease?.expiresAt;
  if (pending.isPending) return <PageSkeleton />;
  if (pending.isError) return <ErrorMessage error={pending.error} onRetry={() => void pending.refetch()} />;

  return (
    <Stack gap="md">
      <ActionStatus
        done={notice?.kind === 'done' ? notice.text : null}
        error={notice?.kind === 'error' ? notice.error : null}
      />
      {!task ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <EmptyState title={t.review.emptyQueue} hint={t.review.emptyQueueHint(EMPTY_QUEUE_POLL_SECONDS)} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <MyStats />
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
                    onAnswer={answer}
                    onSkip={skip}
                    onTyping={typed}
                  />
                  {submitting && <Text size="sm">{t.review.sending}</Text>}
                  <KeyLegend withSkip />
                  {expiresAt && <Text size="xs">{t.review.leaseUntil(clock.format(new Date(expiresAt)))}</Text>}
                </Stack>
              </Paper>
              <MyStats />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
