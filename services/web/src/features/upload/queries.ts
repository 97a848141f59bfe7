import {
  type DocumentState,
  documentResponseSchema,
  sentDocumentsResponseSchema,
  witnessAssignmentsResponseSchema,
} from '@castor/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { request } from '../../api/http';
import { DOCUMENTS_PATH } from './upload-request';

/** How often a queued document is asked for its state until it is read. */
const POLL_MS = 2_000;

/** The states a document leaves only by a person's action (a retry, a release), if ever. */
const SETTLED_STATES: readonly DocumentState[] = ['done', 'failed', 'dead', 'quarantined', 'replaced'];

export function isSettled(state: DocumentState): boolean {
  return SETTLED_STATES.includes(state);
}

/** The territories (mesas, or puestos and above) a witness may send E-14s for in an election. */
export function useWitnessAssignments(userId: string, election: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['e14', 'witness-assignments', userId, election],
    queryFn: () =>
      request(`/api/witnesses/${encodeURIComponent(userId)}/assignments`, {
        query: { election },
        schema: witnessAssignmentsResponseSchema,
      }).then((answer) => answer.territories),
    enabled: enabled && Boolean(election),
  });
}

/** A queued document, asked again every few seconds until the pipeline has settled it. */
export function useDocument(documentId: number) {
  return useQuery({
    queryKey: ['e14', 'document', documentId],
    queryFn: () => request(`${DOCUMENTS_PATH}/${documentId}`, { schema: documentResponseSchema }),
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data.state) ? false : POLL_MS),
  });
}

/** The key of the signed-in user's own documents, every election's. */
export const SENT_DOCUMENTS_KEY = ['e14', 'sent-documents'] as const;

/**
 * The signed-in user's own documents of an election, newest first, a page at a time; asked again
 * every few seconds while any of them is still being read.
 */
export function useSentDocuments(election: string | undefined) {
  return useInfiniteQuery({
    enabled: Boolean(election),
    queryKey: [...SENT_DOCUMENTS_KEY, election],
    queryFn: ({ pageParam }) =>
      request(DOCUMENTS_PATH, {
        query: { election, before: pageParam },
        schema: sentDocumentsResponseSchema,
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => page.nextBefore ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.documents.some((document) => !isSettled(document.state)))
        ? POLL_MS
        : false,
  });
}
