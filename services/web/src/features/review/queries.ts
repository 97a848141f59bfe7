import {
  type ReviewAnswer,
  type ReviewTask,
  reviewerStatsResponseSchema,
  reviewOutcomeSchema,
  reviewPendingResponseSchema,
  reviewTaskListResponseSchema,
  userListResponseSchema,
} from '@castor/contracts';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { request, requestBlob } from '../../api/http';

/** e14-service's review desk (GET /api/review/*), and core-service's users to name the reviewers. */
export const reviewApi = {
  /** The task leased to this reviewer (the same one until answered or its lease expires), or null. */
  pending: () => request('/api/review/pending', { schema: reviewPendingResponseSchema }).then((body) => body.task),

  submit: (task: ReviewTask, answer: ReviewAnswer) =>
    request('/api/review/submit', {
      method: 'POST',
      body: { taskId: task.taskId, leaseToken: task.lease?.token ?? '', ...answer },
      schema: reviewOutcomeSchema,
    }),

  escalated: () =>
    request('/api/review/tasks', { query: { status: 'escalated', limit: 100 }, schema: reviewTaskListResponseSchema }),

  decide: (taskId: number, answer: ReviewAnswer) =>
    request(`/api/review/tasks/${taskId}/decide`, { method: 'POST', body: answer, schema: reviewOutcomeSchema }),

  reviewers: () => request('/api/review/reviewers', { schema: reviewerStatsResponseSchema }),

  users: () => request('/api/users', { query: { limit: 200 }, schema: userListResponseSchema }),
};

const PENDING_KEY = ['review', 'pending'] as const;
const imageKey = (path: string) => ['review', 'image', path] as const;

/**
 * After a decision: the queues and the accuracies change, never a crop (immutable), so the images
 * are not downloaded again, a download the decided task's panel closing would also cut short.
 */
export function invalidateReviewState(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({
    queryKey: ['review'],
    predicate: (query) => query.queryKey[1] !== imageKey('')[1],
  });
}

/**
 * The leased task; it changes only when the desk moves on (never behind the reviewer's back on
 * focus). An empty desk asks again every `emptyPollSeconds`.
 */
export function usePendingTask(emptyPollSeconds: number) {
  return useQuery({
    queryKey: PENDING_KEY,
    queryFn: reviewApi.pending,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    refetchInterval: (query) => (query.state.data === null ? emptyPollSeconds * 1_000 : false),
    retry: false,
  });
}

/** The image paths of a task: its cell and its row's printed label. */
function imagePaths(task: ReviewTask): string[] {
  return [task.crop.url, task.crop.labelUrl].filter((path): path is string => path !== null);
}

function fetchImage(queryClient: QueryClient, path: string) {
  return queryClient.fetchQuery({
    queryKey: imageKey(path),
    queryFn: ({ signal }) => requestBlob(path, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/**
 * Takes the next task (the API leases one at a time, so the next exists only once this one is
 * answered) and downloads its images before it is shown, so the reviewer never types beside a
 * blank box. An image that fails is shown as its error by the desk.
 */
export async function loadNextTask(queryClient: QueryClient): Promise<ReviewTask | null> {
  const task = await reviewApi.pending();
  if (task) await Promise.allSettled(imagePaths(task).map((path) => fetchImage(queryClient, path)));
  queryClient.setQueryData(PENDING_KEY, task);
  return task;
}

/**
 * An image behind the bearer token as an object URL (revoked when the component lets go of it).
 * The PNG is cached as a Blob, so an image the desk preloaded appears at once.
 */
export function useTaskImage(path: string | null) {
  const image = useQuery({
    queryKey: imageKey(path ?? ''),
    queryFn: ({ signal }) => requestBlob(path ?? '', { signal }),
    enabled: path !== null,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const [objectUrl, setObjectUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!image.data) {
      setObjectUrl(null);
      return;
    }
    const url = URL.createObjectURL(image.data);
    setObjectUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [image.data]);
  return { url: objectUrl, error: image.error, isPending: path !== null && !objectUrl && !image.isError };
}

export function useEscalatedTasks() {
  return useQuery({ queryKey: ['review', 'escalated'], queryFn: reviewApi.escalated });
}

/** Each reviewer's accuracy, named from the users list (both admin-only). */
export function useReviewerStats() {
  return useQuery({
    queryKey: ['review', 'reviewers'],
    queryFn: async () => {
      const [stats, users] = await Promise.all([reviewApi.reviewers(), reviewApi.users()]);
      const names = new Map(users.users.map((user) => [user.id, user.name || user.email]));
      return {
        backlog: stats.backlog,
        reviewers: stats.reviewers.map((row) => ({ ...row, name: names.get(row.reviewerId) ?? row.reviewerId })),
      };
    },
    refetchInterval: 30_000,
  });
}
