import { TASK_STATUSES, type TeamMember, type TeamTask } from '@castor/contracts';
import { Badge, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { TaskStatus } from '../../api/dashboard';
import { ActionStatus } from '../../components/ActionStatus';
import { t } from '../../i18n/es-CO';
import { useMoveTask } from './queries';

// Shades that keep the badge's text above 4.5:1 (autoContrast picks black on yellow, white on the rest).
const PRIORITY_COLORS = { low: 'gray.7', medium: 'blue.8', high: 'yellow', urgent: 'red.9' } as const;

function TaskCard({
  task,
  yours,
  onMove,
  moving,
}: {
  task: TeamTask;
  yours: boolean;
  onMove: (status: TaskStatus) => void;
  moving: boolean;
}) {
  return (
    <Paper withBorder p="xs" radius="md" component="li" data-task={task.title}>
      <Stack gap={4}>
        <Group gap={4} justify="space-between" wrap="nowrap">
          <Text size="sm" fw={600}>
            {task.title}
          </Text>
          <Badge size="sm" color={PRIORITY_COLORS[task.priority]} style={{ flexShrink: 0 }}>
            {t.team.priorities[task.priority]}
          </Badge>
        </Group>
        <Text size="xs">
          {t.team.owner}: {task.owner?.name ?? t.team.noOwner}
          {yours && ` (${t.team.yours})`}
        </Text>
        {task.territory && (
          <Text size="xs">
            {t.team.territory}: {task.territory}
          </Text>
        )}
        <Select
          size="xs"
          label={t.team.moveTo(task.title)}
          data={TASK_STATUSES.map((status) => ({ value: status, label: t.team.statuses[status] }))}
          value={task.status}
          onChange={(status) => status && status !== task.status && onMove(status as TaskStatus)}
          allowDeselect={false}
          disabled={moving}
        />
      </Stack>
    </Paper>
  );
}

/** The tasks in one column per status; any task's status can be changed from its card (the API says who may). */
export function TaskBoard({ tasks, me }: { tasks: TeamTask[]; me: TeamMember | undefined }) {
  const move = useMoveTask();
  const moved = move.data ? t.team.moved(move.data.title, t.team.statuses[move.data.status]) : null;
  return (
    <Stack gap="sm">
      <ActionStatus done={moved} error={move.error} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        {TASK_STATUSES.map((status) => {
          const column = tasks.filter((task) => task.status === status);
          return (
            <Paper key={status} p="xs" radius="md" bg="gray.0" component="section" aria-labelledby={`column-${status}`}>
              <Title order={4} size="h6" id={`column-${status}`} mb="xs">
                {t.team.statuses[status]} ({column.length})
              </Title>
              {column.length === 0 ? (
                <Text size="xs">{t.team.emptyColumn}</Text>
              ) : (
                <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {column.map((task) => (
                    <TaskCard
                      key={task.id}
                      task={task}
                      yours={me !== undefined && task.owner?.id === me.id}
                      moving={move.isPending && move.variables?.id === task.id}
                      onMove={(next) => move.mutate({ id: task.id, status: next })}
                    />
                  ))}
                </Stack>
              )}
            </Paper>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
