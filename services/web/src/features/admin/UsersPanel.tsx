import { ROLES, type Role, type User } from '@castor/contracts';
import { Badge, Button, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSession } from '../../api/session';
import { ActionStatus } from '../../components/ActionStatus';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormCard } from '../../components/FormCard';
import { PageSkeleton } from '../../components/PageSkeleton';
import { REGISTER_PATH, registrationLink } from '../../components/registration-link';
import { t } from '../../i18n/es-CO';
import { formatDateTime } from './format';
import { Outcome } from './Outcome';
import { useInvite, useUpdateUser, useUsers } from './queries';

const roleOptions = ROLES.map((role) => ({ value: role, label: t.roles[role] }));
const isRole = (value: string | null): value is Role => ROLES.some((role) => role === value);

/** Invites a person with a role and shows the invitation link once, to be sent to them out of band. */
function InviteForm() {
  const invite = useInvite();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('witness');
  const words = t.admin.users;
  const invitation = invite.data;
  const link = invitation ? registrationLink(window.location.origin, invitation.invitationToken, invitation.email) : '';

  function submit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) invite.mutate({ email: email.trim(), role }, { onSuccess: () => setEmail('') });
  }

  return (
    <FormCard title={words.inviteTitle} onSubmit={submit}>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={words.email}
          type="email"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          w={300}
        />
        <Select
          label={words.role}
          data={roleOptions}
          value={role}
          onChange={(value) => isRole(value) && setRole(value)}
          allowDeselect={false}
          w={180}
        />
        <Button type="submit" loading={invite.isPending}>
          {words.invite}
        </Button>
      </Group>
      <div aria-live="polite">
        {invite.isError && <ErrorMessage error={invite.error} />}
        {invitation && (
          <Outcome color="teal" heading={words.invited(invitation.email, t.roles[invitation.role])}>
            <Stack gap="xs">
              <Text size="sm">{words.shownOnce(REGISTER_PATH, formatDateTime(invitation.expiresAt))}</Text>
              <Group gap="xs" wrap="nowrap">
                <TextInput
                  label={words.link}
                  value={link}
                  readOnly
                  onFocus={(event) => event.currentTarget.select()}
                  flex={1}
                  styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                />
                <CopyButton value={link}>
                  {({ copied, copy }) => (
                    <Button mt={24} variant={copied ? 'filled' : 'default'} color="teal" onClick={copy}>
                      {copied ? words.copied : words.copy}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          </Outcome>
        )}
      </div>
    </FormCard>
  );
}

/** Everyone with an account: change a role at once, disable after a confirmation, enable again. */
export function UsersPanel() {
  const users = useUsers();
  const update = useUpdateUser();
  const me = useSession()?.user;
  const [disabling, setDisabling] = useState<User | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const words = t.admin.users;

  function change(user: User, patch: { role?: Role; disabled?: boolean }, message: string) {
    setDone(null);
    update.mutate(
      { id: user.id, ...patch },
      { onSuccess: () => setDone(message), onSettled: () => setDisabling(null) },
    );
  }

  return (
    <Stack gap="md">
      <InviteForm />
      <ActionStatus done={done} error={update.isError ? update.error : null} />
      {users.isPending ? (
        <PageSkeleton />
      ) : users.isError ? (
        <ErrorMessage error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <Stack gap="xs">
          <Title order={3} size="h5">
            {words.listTitle(users.data.total)}
          </Title>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover verticalSpacing={4} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{words.columns.name}</Table.Th>
                  <Table.Th>{words.columns.email}</Table.Th>
                  <Table.Th>{words.columns.role}</Table.Th>
                  <Table.Th>{words.columns.state}</Table.Th>
                  <Table.Th>{words.columns.lastLogin}</Table.Th>
                  <Table.Th>{words.columns.action}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.users.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Td>{user.name}</Table.Td>
                    <Table.Td>{user.email}</Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={words.roleOf(user.name)}
                        data={roleOptions}
                        value={user.role}
                        size="xs"
                        w={160}
                        allowDeselect={false}
                        disabled={user.id === me?.id || update.isPending}
                        onChange={(value) =>
                          isRole(value) &&
                          value !== user.role &&
                          change(user, { role: value }, words.roleChanged(user.name, t.roles[value]))
                        }
                      />
                    </Table.Td>
                    <Table.Td>
                      <Badge color={user.disabled ? 'gray.7' : 'teal.9'} variant="outline">
                        {user.disabled ? words.disabled : words.active}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : words.neverSignedIn}</Table.Td>
                    <Table.Td>
                      {user.id === me?.id ? (
                        <Text size="xs">{words.you}</Text>
                      ) : user.disabled ? (
                        <Button
                          size="compact-sm"
                          variant="default"
                          onClick={() => change(user, { disabled: false }, words.enabledDone(user.name))}
                        >
                          {words.enable}
                        </Button>
                      ) : (
                        <Button size="compact-sm" variant="default" color="red" onClick={() => setDisabling(user)}>
                          {words.disable}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
      <Modal opened={disabling !== null} onClose={() => setDisabling(null)} title={words.confirmTitle}>
        {disabling && (
          <Stack gap="md">
            <Text size="sm">{words.confirmBody(disabling.name, disabling.email)}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDisabling(null)}>
                {words.cancel}
              </Button>
              <Button
                color="red"
                loading={update.isPending}
                onClick={() => change(disabling, { disabled: true }, words.disabledDone(disabling.name))}
              >
                {words.confirmDisable}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
