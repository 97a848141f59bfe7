import { TASK_PRIORITIES, TEAM_ROLES, type TeamMember } from '@castor/contracts';
import { Button, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ActionStatus } from '../../components/ActionStatus';
import { FormCard } from '../../components/FormCard';
import { t } from '../../i18n/es-CO';
import { useCreateMember, useCreateTask } from './queries';

type Priority = (typeof TASK_PRIORITIES)[number];
type TeamRole = (typeof TEAM_ROLES)[number];

/** A new task: its title, owner, territory and priority (admins and analysts). */
export function CreateTaskForm({ members }: { members: TeamMember[] }) {
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [territory, setTerritory] = useState('');
  const [priority, setPriority] = useState<Priority>('medium');
  const [titleError, setTitleError] = useState<string | null>(null);
  const create = useCreateTask();
  return (
    <FormCard
      title={t.team.createTitle}
      onSubmit={(event) => {
        event.preventDefault();
        if (title.trim().length < 3) {
          setTitleError(t.team.taskTitleRequired);
          return;
        }
        create.mutate(
          {
            title: title.trim(),
            priority,
            ownerId: ownerId ?? undefined,
            territory: territory.trim() || undefined,
          },
          { onSuccess: () => setTitle('') },
        );
      }}
    >
      <TextInput
        label={t.team.taskTitle}
        value={title}
        onChange={(event) => {
          setTitle(event.currentTarget.value);
          setTitleError(null);
        }}
        error={titleError}
        required
      />
      <Select
        label={t.team.owner}
        data={members.map((member) => ({ value: member.id, label: member.name }))}
        value={ownerId}
        onChange={setOwnerId}
        placeholder={t.team.noOwner}
        clearable
      />
      <TextInput
        label={t.team.territory}
        value={territory}
        onChange={(event) => setTerritory(event.currentTarget.value)}
      />
      <Select
        label={t.team.priority}
        data={TASK_PRIORITIES.map((value) => ({ value, label: t.team.priorities[value] }))}
        value={priority}
        onChange={(value) => value && setPriority(value as Priority)}
        allowDeselect={false}
      />
      <Button type="submit" loading={create.isPending} w="fit-content">
        {t.team.create}
      </Button>
      <ActionStatus done={create.data ? t.team.created(create.data.title) : null} error={create.error} />
    </FormCard>
  );
}

/** A new member of the campaign team, with their role and territory (admins and analysts). */
export function AddMemberForm() {
  const [name, setName] = useState('');
  const [role, setRole] = useState<TeamRole>('volunteer');
  const [territory, setTerritory] = useState('');
  const add = useCreateMember();
  return (
    <FormCard
      title={t.team.addMemberTitle}
      onSubmit={(event) => {
        event.preventDefault();
        add.mutate(
          { name: name.trim(), role, territory: territory.trim() || undefined },
          { onSuccess: () => setName('') },
        );
      }}
    >
      <TextInput
        label={t.team.memberName}
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        required
      />
      <Select
        label={t.team.memberRole}
        data={TEAM_ROLES.map((value) => ({ value, label: t.team.roles[value] }))}
        value={role}
        onChange={(value) => value && setRole(value as TeamRole)}
        allowDeselect={false}
      />
      <TextInput
        label={t.team.territory}
        value={territory}
        onChange={(event) => setTerritory(event.currentTarget.value)}
      />
      <Button type="submit" loading={add.isPending} w="fit-content">
        {t.team.addMember}
      </Button>
      <ActionStatus done={add.data ? t.team.memberAdded(add.data.name) : null} error={add.error} />
    </FormCard>
  );
}
