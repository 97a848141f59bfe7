import type { ReviewTask } from '@castor/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { ApiError } from '../../api/http';
import { reviewApi, setLeaseExpiry } from './queries';

/** Refusals after which the task in hand is gone for this reviewer: the desk moves on to the next. */
export const MOVE_ON_CODES = new Set([
  'REVIEW_TASK_CLOSED',
  'REVIEW_TASK_ESCALATED',
  'REVIEW_ENTRY_CONFLICT',
  'REVIEW_LEASE_HELD',
  'REVIEW_LEASE_INVALID',
  'REVIEW_TASK_NOT_FOUND',
]);

/** The lease is renewed when a third of its remaining time has passed: two renewals may fail before it lapses. */
const RENEW_AFTER_SHARE = 1 / 3;
/** A key typed renews it too once a sixth of that time has passed (a background tab's timers are slowed). */
const RENEW_ON_TYPING_SHARE = 1 / 6;
/** The soonest a renewal is sent, whatever the clocks say. */
const MIN_RENEW_DELAY_MS = 1_000;

/**
 * Keeps the lease of the task on screen alive while the person works on it: on a timer, and when
 * they type. `onLost(taskId)` hears when the API says the task is no longer theirs (another
 * reviewer took it after it lapsed, or it closed); any other failure is retried by the next tick.
 * Returns what to call on each key.
 */
export function useLeaseKeeper(task: ReviewTask | null, onLost: (taskId: number) => void): () => void {
  const queryClient = useQueryClient();
  const lastSet = useRef({ at: 0, remainingMs: 0 });
  const inFlight = useRef(false);
  const lost = useRef(onLost);
  lost.current = onLost;

  const renew = useCallback(async () => {
    if (!task?.lease || inFlight.current) return;
    inFlight.current = true;
    try {
      const renewed = await reviewApi.renewLease(task);
      setLeaseExpiry(queryClient, task.taskId, renewed.expiresAt);
    } catch (error) {
      if (error instanceof ApiError && MOVE_ON_CODES.has(error.code)) lost.current(task.taskId);
    } finally {
      inFlight.current = false;
    }
  }, [task, queryClient]);

  const expiresAt = task?.lease?.expiresAt;
  useEffect(() => {
    if (!expiresAt) return;
    const remainingMs = Date.parse(expiresAt) - Date.now();
    lastSet.current = { at: Date.now(), remainingMs };
    const timer = setTimeout(() => void renew(), Math.max(remainingMs * RENEW_AFTER_SHARE, MIN_RENEW_DELAY_MS));
    return () => clearTimeout(timer);
  }, [expiresAt, renew]);

  return useCallback(() => {
    const { at, remainingMs } = lastSet.current;
    if (Date.now() - at > remainingMs * RENEW_ON_TYPING_SHARE) void renew();
  }, [renew]);
}
