import {
  auditVerifyResponseSchema,
  divipolImportResponseSchema,
  invitationResponseSchema,
  leadListResponseSchema,
  type Role,
  userListResponseSchema,
  userSchema,
  witnessAssignmentsResponseSchema,
} from '@castor/contracts';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api/http';
import { uploadForm } from '../../api/upload-form';

/** The largest page GET /api/users serves. */
const USERS_PAGE = 500;

export function useUsers(role?: Role) {
  return useQuery({
    queryKey: ['core', 'users', role ?? 'all'],
    queryFn: () => request('/api/users', { query: { role, limit: USERS_PAGE }, schema: userListResponseSchema }),
  });
}

export function useInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; role: Role }) =>
      request('/api/users/invitations', { method: 'POST', body, schema: invitationResponseSchema }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['core', 'users'] }),
  });
}

/** Changes a user's role or disables them; core-service ends the sessions of a demoted or disabled user. */
export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; disabled?: boolean }) =>
      request(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', body, schema: userSchema }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['core', 'users'] }),
  });
}

const assignmentsPath = (userId: string) => `/api/witnesses/${encodeURIComponent(userId)}/assignments`;

/**
 * The assignments of each witness in an election. e14-service serves them one witness at a time
 * (there is no list of every assignment), so this asks once per witness.
 */
export function useAssignmentsOf(userIds: readonly string[], election: string | undefined) {
  return useQueries({
    queries: userIds.map((userId) => ({
      queryKey: ['e14', 'witness-assignments', userId, election],
      queryFn: () =>
        request(assignmentsPath(userId), { query: { election }, schema: witnessAssignmentsResponseSchema }).then(
          (answer) => answer.territories,
        ),
      enabled: Boolean(election),
    })),
  });
}

/** Replaces a witness's set of territories (PUT is the API's only write: adding and removing both send the whole set). */
export function useSetAssignments() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, election, territories }: { userId: string; election: string; territories: string[] }) =>
      request(assignmentsPath(userId), {
        method: 'PUT',
        body: { electionCode: election, territories },
        schema: witnessAssignmentsResponseSchema,
      }),
    onSuccess: (answer) =>
      queryClient.setQueryData(['e14', 'witness-assignments', answer.userId, answer.electionCode], answer.territories),
  });
}

export const LEADS_PAGE = 50;

export function useLeads(offset: number) {
  return useQuery({
    queryKey: ['core', 'leads', offset],
    queryFn: () => request('/api/leads', { query: { limit: LEADS_PAGE, offset }, schema: leadListResponseSchema }),
  });
}

/**
 * Imports a divipol from files (POST /api/elections/import/files). The import runs within the
 * request (there is no job to poll): the progress is the upload's, then the wait for the answer.
 */
export function useImportDivipol(onProgress: (fraction: number) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (form: FormData) =>
      uploadForm('/api/elections/import/files', form, divipolImportResponseSchema, onProgress),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['e14', 'elections'] }),
  });
}

/** Runs GET /api/audit/verify on demand: it recomputes the whole chain, so it is never refetched by itself. */
export function useVerifyAudit() {
  return useMutation({
    mutationFn: () => request('/api/audit/verify', { schema: auditVerifyResponseSchema }),
  });
}
