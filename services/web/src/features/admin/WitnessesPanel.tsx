import { territoryCodeSchema, type User } from '@castor/contracts';
import { Badge, Button, CloseButton, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ActionStatus } from '../../components/ActionStatus';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormCard } from '../../components/FormCard';
import { PageSkeleton } from '../../components/PageSkeleton';
import { READABLE_DESCRIPTION } from '../../components/readable-description';
import { useElections } from '../../components/use-elections';
import { t } from '../../i18n/es-CO';
import { useAssignmentsOf, useSetAssignments, useUsers } from './queries';

/** The witnesses' mesas (or puestos and above) in one election: assign one, see them all, remove one. */
export function WitnessesPanel() {
  const elections = useElections();
  const witnesses = useUsers('witness');
  const [chosenElection, setChosenElection] = useState<string | null>(null);
  const election = chosenElection ?? elections.data?.[0]?.code;
  const people = witnesses.data?.users ?? [];
  const assignments = useAssignmentsOf(
    people.map((user) => user.id),
    election,
  );
  const save = useSetAssignments();
  const [witnessId, setWitnessId] = useState<string | null>(null);
  const [territory, setTerritory] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const [done, setDone] = useState<string | null>(null);
  const words = t.admin.witnesses;

  if (elections.isPending || witnesses.isPending) return <PageSkeleton />;
  if (elections.isError) return <ErrorMessage error={elections.error} onRetry={() => void elections.refetch()} />;
  if (witnesses.isError) return <ErrorMessage error={witnesses.error} onRetry={() => void witnesses.refetch()} />;
  if (!election) return <EmptyState title={t.electionNight.noElections} hint={t.electionNight.noElectionsHint} />;

  // The set the PUT replaces: undefined until it is known, so an assignment never drops the others.
  const territoriesOf = (userId: string) => assignments[people.findIndex((user) => user.id === userId)]?.data;

  function put(user: User, territories: string[], message: string) {
    if (!election) return;
    setDone(null);
    save.mutate({ userId: user.id, election, territories }, { onSuccess: () => setDone(message) });
  }

  function assign(event: FormEvent) {
    event.preventDefault();
    const code = territory.trim();
    const user = people.find((person) => person.id === witnessId);
    if (!user) return setInvalid(undefined);
    if (code === '' || !territoryCodeSchema.safeParse(code).success) return setInvalid(words.territoryInvalid);
    setInvalid(undefined);
    const current = territoriesOf(user.id);
    if (!current) return;
    if (current.includes(code)) return setDone(words.alreadyAssigned(user.name, code));
    put(user, [...current, code], words.assigned(user.name, code));
    setTerritory('');
  }

  return (
    <Stack gap="md">
      <FormCard title={words.assignTitle} onSubmit={assign}>
        <Group align="flex-start" gap="sm">
          <Select
            label={t.upload.election}
            data={(elections.data ?? []).map((item) => ({
              value: item.code,
              label: `${item.name} (${item.code})`,
            }))}
            value={election}
            onChange={setChosenElection}
            allowDeselect={false}
            w={260}
          />
          <Select
            label={words.witness}
            placeholder={words.witnessPlaceholder}
            data={people
              .filter((user) => !user.disabled)
              .map((user) => ({ value: user.id, label: `${user.name} · ${user.email}` }))}
            value={witnessId}
            onChange={setWitnessId}
            searchable
            required
            nothingFoundMessage={words.noWitnesses}
            w={320}
          />
          <TextInput
            label={words.territory}
            description={words.territoryHint}
            styles={READABLE_DESCRIPTION}
            value={territory}
            onChange={(event) => setTerritory(event.currentTarget.value)}
            error={invalid}
            required
            w={240}
          />
          <Button type="submit" mt={24} loading={save.isPending} disabled={!witnessId}>
            {words.assign}
          </Button>
        </Group>
      </FormCard>
      <ActionStatus done={done} error={save.isError ? save.error : null} />
      {people.length === 0 ? (
        <EmptyState title={words.noWitnesses} hint={words.noWitnessesHint} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{words.columns.witness}</Table.Th>
                <Table.Th>{words.columns.email}</Table.Th>
                <Table.Th>{words.columns.territories}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {people.map((user, index) => {
                const query = assignments[index];
                const territories = query?.data ?? [];
                return (
                  <Table.Tr key={user.id}>
                    <Table.Td>{user.name}</Table.Td>
                    <Table.Td>{user.email}</Table.Td>
                    <Table.Td>
                      {query?.isError ? (
                        <Text size="sm" c="red">
                          {words.unreadable}
                        </Text>
                      ) : query?.isPending ? (
                        <Text size="sm">{t.states.loading}</Text>
                      ) : territories.length === 0 ? (
                        <Text size="sm">{words.none}</Text>
                      ) : (
                        <Group gap={6}>
                          {territories.map((code) => (
                            <Badge
                              key={code}
                              variant="outline"
                              color="indigo.8"
                              ff="monospace"
                              tt="none"
                              rightSection={
                                <CloseButton
                                  size="xs"
                                  aria-label={words.remove(code, user.name)}
                                  disabled={save.isPending}
                                  onClick={() =>
                                    put(
                                      user,
                                      territories.filter((other) => other !== code),
                                      words.removed(user.name, code),
                                    )
                                  }
                                />
                              }
                            >
                              {code}
                            </Badge>
                          ))}
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
