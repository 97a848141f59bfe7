import { CORPORATIONS, type divipolImportResponseSchema } from '@castor/contracts';
import { Button, FileInput, Group, MultiSelect, Progress, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormCard } from '../../components/FormCard';
import { PageSkeleton } from '../../components/PageSkeleton';
import { READABLE_DESCRIPTION } from '../../components/readable-description';
import { useElections } from '../../components/use-elections';
import { t } from '../../i18n/es-CO';
import { Outcome } from './Outcome';
import { useImportDivipol } from './queries';

const corporationOptions = CORPORATIONS.map((code) => ({ value: code, label: t.corporations[code] ?? code }));

function ImportOutcome({ outcome }: { outcome: z.infer<typeof divipolImportResponseSchema> }) {
  const words = t.admin.elections;
  return (
    <Outcome
      color="teal"
      heading={outcome.unchanged ? words.unchanged(outcome.electionCode) : words.imported(outcome.electionCode)}
    >
      {!outcome.unchanged && <Text size="sm">{words.created(outcome.created)}</Text>}
    </Outcome>
  );
}

/**
 * Imports an election's divipol from files: the election (code, name, date, corporations), its
 * mesas (castor-divipol-csv/1, or the Registraduría's JSON mesa index) and, optionally, its candidates.
 */
function ImportForm() {
  const [progress, setProgress] = useState(0);
  const importDivipol = useImportDivipol(setProgress);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [date, setDate] = useState('');
  const [corporations, setCorporations] = useState<string[]>([]);
  const [mesas, setMesas] = useState<File | null>(null);
  const [candidates, setCandidates] = useState<File | null>(null);
  const words = t.admin.elections;
  const complete = code.trim() && name.trim() && date && corporations.length > 0 && mesas;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!complete) return;
    const form = new FormData();
    form.set('election', JSON.stringify({ code: code.trim(), name: name.trim(), date, corporations }));
    // A JSON file is the Registraduría's mesa index; anything else, the castor CSV.
    form.set(mesas.name.toLowerCase().endsWith('.json') ? 'registraduria' : 'mesas', mesas);
    if (candidates) form.set('candidates', candidates);
    setProgress(0);
    importDivipol.mutate(form);
  }

  const uploading = importDivipol.isPending && progress < 1;
  return (
    <FormCard title={words.importTitle} onSubmit={submit}>
      <Group align="flex-start" gap="sm">
        <TextInput label={words.code} required value={code} onChange={(e) => setCode(e.currentTarget.value)} w={200} />
        <TextInput label={words.name} required value={name} onChange={(e) => setName(e.currentTarget.value)} w={280} />
        <TextInput
          label={words.date}
          type="date"
          required
          value={date}
          onChange={(e) => setDate(e.currentTarget.value)}
          w={170}
        />
        <MultiSelect
          label={words.corporations}
          data={corporationOptions}
          value={corporations}
          onChange={setCorporations}
          required
          w={340}
        />
      </Group>
      <Group align="flex-start" gap="sm">
        <FileInput
          label={words.mesasFile}
          clearButtonProps={{ 'aria-label': words.clearFile(words.mesasFile) }}
          description={words.mesasHint}
          styles={READABLE_DESCRIPTION}
          accept=".csv,.json,text/csv,application/json"
          required
          clearable
          value={mesas}
          onChange={setMesas}
          w={360}
        />
        <FileInput
          label={words.candidatesFile}
          clearButtonProps={{ 'aria-label': words.clearFile(words.candidatesFile) }}
          description={words.candidatesHint}
          styles={READABLE_DESCRIPTION}
          accept=".csv,text/csv"
          clearable
          value={candidates}
          onChange={setCandidates}
          w={360}
        />
      </Group>
      <Group>
        <Button type="submit" disabled={!complete} loading={importDivipol.isPending}>
          {words.import}
        </Button>
      </Group>
      <div aria-live="polite">
        {importDivipol.isPending && (
          <Stack gap={4}>
            <Progress value={progress * 100} animated={!uploading} aria-label={words.progressLabel} />
            <Text size="sm">{uploading ? words.uploading(Math.round(progress * 100)) : words.importing}</Text>
          </Stack>
        )}
        {importDivipol.isError && <ErrorMessage error={importDivipol.error} />}
        {importDivipol.isSuccess && <ImportOutcome outcome={importDivipol.data} />}
      </div>
    </FormCard>
  );
}

/** The imported elections, and the form to import another (or re-import one: it is idempotent). */
export function ElectionsPanel() {
  const elections = useElections();
  const words = t.admin.elections;
  return (
    <Stack gap="md">
      {elections.isPending ? (
        <PageSkeleton />
      ) : elections.isError ? (
        <ErrorMessage error={elections.error} onRetry={() => void elections.refetch()} />
      ) : elections.data.length === 0 ? (
        <EmptyState title={t.electionNight.noElections} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{words.columns.code}</Table.Th>
                <Table.Th>{words.columns.name}</Table.Th>
                <Table.Th>{words.columns.date}</Table.Th>
                <Table.Th>{words.columns.corporations}</Table.Th>
                <Table.Th ta="right">{words.columns.mesas}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {elections.data.map((election) => (
                <Table.Tr key={election.code}>
                  <Table.Td ff="monospace">{election.code}</Table.Td>
                  <Table.Td>{election.name}</Table.Td>
                  <Table.Td>{election.date}</Table.Td>
                  <Table.Td>{election.corporations.map((code) => t.corporations[code] ?? code).join(', ')}</Table.Td>
                  <Table.Td ta="right">{election.mesas.toLocaleString('es-CO')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ImportForm />
    </Stack>
  );
}
