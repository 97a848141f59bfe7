import {
  type ReviewAnswer,
  type ReviewPendingResponse,
  type ReviewTask,
  reviewerActivitySchema,
  reviewerStatsResponseSchema,
  reviewLeaseRenewedSchema,
  reviewOutcomeSchema,
  reviewPendingResponseSchema,
  reviewSkippedSchema,
  reviewTaskListResponseSchema,
  userListResponseSchema,
} from '@castor/contracts';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { request, requestBlob } from '../../api/http';
import { useObjectUrl } from '../../components/use-object-url';

/** e14-service's review desk (GET /api/review/*), and core-service's users to name the reviewers. */
export const reviewApi = {
  /**
   * The task leased to this reviewer (the same one until answered, skipped or its lease expires),
   * or null, and the one after it, leased too, so its crops are downloaded before Enter.
   */
  pending: () => request('/api/review/pending', { query: { ahead: 1 }, schema: reviewPendingResponseSchema }),

  submit: (task: ReviewTask, answer: ReviewAnswer) =>
    request('/api/review/submit', {
      method: 'POST',
      body: { taskId: task.taskId, leaseToken: task.lease?.token ?? '', ...answer },
      schema: reviewOutcomeSchema,
    }),

  /** Gives the task back; it is kept from this reviewer for a while, others still get it. */
  skip: (task: ReviewTask) =>
    request(`/api/review/tasks/${task.taskId}/skip`, {
      method: 'POST',
      body: { leaseToken: task.lease?.token ?? '' },
      schema: reviewSkippedSchema,
    }),

  /** Keeps the lease of the task on screen. */
  renewLease: (task: ReviewTask) =>
    request(`/api/review/tasks/${task.taskId}/lease`, {
      method: 'POST',
      body: { leaseToken: task.lease?.token ?? '' },
      schema: reviewLeaseRenewedSchema,
    }),

  /** This reviewer's own throughput and accuracy. */
  activity: () => request('/api/review/me', { schema: reviewerActivitySchema }),

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
 * The leased task and the one after it; they change only when the desk moves on (never behind the
 * reviewer's back on focus). An empty desk asks again every `emptyPollSeconds`.
 */
export function usePendingTask(emptyPollSeconds: number) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: PENDING_KEY,
    queryFn: () => fetchPending(queryClient),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    refetchInterval: (query) => (query.state.data?.task === null ? emptyPollSeconds * 1_000 : false),
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

/** Downloads a task's images into the cache (an image that fails is shown as its error by the desk). */
function preloadImages(queryClient: QueryClient, task: ReviewTask | null) {
  return Promise.allSettled(task ? imagePaths(task).map((path) => fetchImage(queryClient, path)) : []);
}

/** The leased pair, the upcoming task's images starting to download at once. */
async function fetchPending(queryClient: QueryClient): Promise<ReviewPendingResponse> {
  const pending = await reviewApi.pending();
  void preloadImages(queryClient, pending.upcoming);
  return pending;
}

/**
 * Moves the desk on once the task on screen (`doneTaskId`) is answered or skipped. The next one,
 * leased ahead with its images already downloaded, is shown at once; the API is asked (in
 * `refreshed`) for the pair that follows, whose new upcoming task starts downloading. `previous`,
 * the ask of the last move, lands first: it may already hold the next task. Without a next task
 * known, it is shown only once its images are in, so the reviewer never types beside a blank box.
 */
export async function moveOn(
  queryClient: QueryClient,
  previous: Promise<unknown>,
  doneTaskId: number,
): Promise<{ shown: ReviewTask | null; refreshed: Promise<ReviewPendingResponse> }> {
  await previous;
  const cached = queryClient.getQueryData<ReviewPendingResponse>(PENDING_KEY);
  const next = cached?.task && cached.task.taskId !== doneTaskId ? cached.task : (cached?.upcoming ?? null);
  const refreshed = fetchPending(queryClient).then(async (pending) => {
    if (pending.task?.taskId !== next?.taskId) await preloadImages(queryClient, pending.task);
    queryClient.setQueryData(PENDING_KEY, pending);
    return pending;
  });
  if (next) {
    queryClient.setQueryData<ReviewPendingResponse>(PENDING_KEY, { task: next, upcoming: null });
    return { shown: next, refreshed };
  }
  return { shown: (await refreshed).task, refreshed };
}

/** The task on screen, as the cache holds it now. */
export function currentTask(queryClient: QueryClient): ReviewTask | null {
  return queryClient.getQueryData<ReviewPendingResponse>(PENDING_KEY)?.task ?? null;
}

/** Replaces the lease of the task on screen after a renewal. */
export function setLeaseExpiry(queryClient: QueryClient, taskId: number, expiresAt: string) {
  queryClient.setQueryData<ReviewPendingResponse>(PENDING_KEY, (pending) =>
    pending?.task?.taskId === taskId && pending.task.lease
      ? { ...pending, task: { ...pending.task, lease: { ...pending.task.lease, expiresAt } } }
      : pending,
  );
}

const ACTIVITY_KEY = ['review', 'me'] as const;

/** The reviewer's own numbers, refreshed every half minute and after each answer. */
export function useMyActivity() {
  return useQuery({ queryKey: ACTIVITY_KEY, queryFn: reviewApi.activity, refetchInterval: 30_000 });
}

export function refreshMyActivity(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: ACTIVITY_KEY });
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
  const objectUrl = useObjectUrl(image.data);
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
