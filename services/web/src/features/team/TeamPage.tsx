import type { TeamMember } from '@castor/contracts';
import { Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { dashboardApi } from '../../api/dashboard';
import { useSession } from '../../api/session';
import { formatCount } from '../../components/conversation-format';
import { DownloadButton } from '../../components/DownloadButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { t } from '../../i18n/es-CO';
import { useTeamMembers, useTeamTasks } from './queries';
import { TaskBoard } from './TaskBoard';
import { AddMemberForm, CreateTaskForm } from './TeamForms';

function Members({ members }: { members: TeamMember[] }) {
  const c = t.team.memberColumns;
  if (members.length === 0) return <Text size="sm">{t.team.noMembers}</Text>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped withTableBorder fz="sm" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{c.name}</Table.Th>
            <Table.Th>{c.role}</Table.Th>
            <Table.Th>{c.territory}</Table.Th>
            <Table.Th ta="right">{c.openTasks}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((member) => (
            <Table.Tr key={member.id}>
              <Table.Td>{member.name}</Table.Td>
              <Table.Td>{t.team.roles[member.role]}</Table.Td>
              <Table.Td>{member.territory ?? '—'}</Table.Td>
              <Table.Td ta="right">{formatCount(member.openTasks)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The campaign team: the task board by status, who is in the team, and (for admins and analysts) new tasks and members. */
export default function TeamPage() {
  const user = useSession()?.user;
  const members = useTeamMembers();
  const tasks = useTeamTasks();
  const editor = user?.role === 'admin' || user?.role === 'analyst';
  const me = members.data?.find((member) => member.userId === user?.id);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{t.team.title}</Title>
          <Text size="sm">{t.team.intro}</Text>
        </div>
        <DownloadButton label={t.team.download} filename="tareas.csv" fetchFile={dashboardApi.tasksCsv} />
      </Group>
      <section aria-labelledby="board-title">
        <Title order={3} size="h4" id="board-title" mb="sm">
          {t.team.boardTitle}
        </Title>
        {tasks.isError && !tasks.data && <ErrorMessage error={tasks.error} onRetry={() => void tasks.refetch()} />}
        {tasks.isPending && <PageSkeleton />}
        {tasks.data && <TaskBoard tasks={tasks.data} me={me} />}
      </section>
      {editor && members.data && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <CreateTaskForm members={members.data} />
          <AddMemberForm />
        </SimpleGrid>
      )}
      <section aria-labelledby="members-title">
        <Title order={3} size="h4" id="members-title" mb="sm">
          {t.team.membersTitle}
        </Title>
        {members.isError && !members.data && (
          <ErrorMessage error={members.error} onRetry={() => void members.refetch()} />
        )}
        {members.data && <Members members={members.data} />}
      </section>
    </Stack>
  );
}
