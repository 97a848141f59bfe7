import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { dashboardApi, type TaskStatus } from '../../api/dashboard';

export function useTeamMembers() {
  return useQuery({ queryKey: ['dashboard', 'team', 'members'], queryFn: dashboardApi.members });
}

export function useTeamTasks() {
  return useQuery({ queryKey: ['dashboard', 'team', 'tasks'], queryFn: () => dashboardApi.tasks() });
}

/** Every change to the team (a task created or moved, a member added) refreshes the board and the members' counts. */
function useTeamChange<Input, Output>(change: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['dashboard', 'team'] }),
  });
}

export const useCreateTask = () => useTeamChange(dashboardApi.createTask);
export const useCreateMember = () => useTeamChange(dashboardApi.createMember);
export const useMoveTask = () =>
  useTeamChange(({ id, status }: { id: string; status: TaskStatus }) => dashboardApi.updateTask(id, { status }));
