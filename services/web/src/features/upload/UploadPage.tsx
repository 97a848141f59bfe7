import { COPIES, type Copy, type Corporation, MAX_SHEET_PHOTOS, mesaKeySchema } from '@castor/contracts';
import {
  Autocomplete,
  Button,
  Checkbox,
  FileButton,
  Grid,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type CSSProperties, useRef, useState } from 'react';
import { ApiError } from '../../api/http';
import { useSession } from '../../api/session';
import { DropZone } from '../../components/DropZone';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { READABLE_DESCRIPTION } from '../../components/readable-description';
import { useElections } from '../../components/use-elections';
import { t } from '../../i18n/es-CO';
import { sizeOf } from './file-size';
import { SENT_DOCUMENTS_KEY, useWitnessAssignments } from './queries';
import { type Outcome, type Sending, SentPanel } from './SentPanel';
import { uploadDocument } from './upload-request';

/** The files a picker offers; the API reads PDF, JPEG and PNG (it says so when a file is none). */
const PICKER_ACCEPT = 'application/pdf,image/jpeg,image/png';
const CAMERA_ACCEPT = 'image/jpeg,application/pdf';

/** Mantine's error red is under 4.5:1 on white: the form's errors (and fields in error) use a darker one. */
const READABLE_ERRORS = { '--mantine-color-error': 'var(--mantine-color-red-9)' } as CSSProperties;

/** A mesa a witness may send for: one of their mesas, or a mesa inside a puesto (or above) assigned to them. */
function isAssigned(territories: readonly string[], mesa: string): boolean {
  return territories.some((territory) => mesa === territory || mesa.startsWith(`${territory}-`));
}

/**
 * Witnesses and staff send scanned E-14s or phone photos of them: several files at once (one
 * request each), or the photos of one sheet's pages together; each shows its upload progress, the
 * API's answer in words, then what the pipeline read. Below this session's, the documents they sent
 * before (from the API), so a reload loses none.
 */
export default function UploadPage() {
  const user = useSession()?.user;
  const isWitness = user?.role === 'witness';
  const elections = useElections();
  const [chosenElection, setChosenElection] = useState<string | null>(null);
  const election = elections.data?.find((item) => item.code === chosenElection) ?? elections.data?.[0];
  const assignments = useWitnessAssignments(user?.id ?? '', election?.code, isWitness);
  const queryClient = useQueryClient();
  const [corporation, setCorporation] = useState<Corporation | null>(null);
  const [copy, setCopy] = useState<Copy | null>(null);
  const [mesa, setMesa] = useState('');
  const [chosen, setChosen] = useState<Array<{ key: number; file: File }>>([]);
  const [oneSheet, setOneSheet] = useState(false);
  const [sendings, setSendings] = useState<Sending[]>([]);
  const nextKey = useRef(0);
  const resetPicker = useRef<() => void>(null);
  const resetCamera = useRef<() => void>(null);

  if (elections.isPending || (isWitness && assignments.isPending && Boolean(election))) return <PageSkeleton />;
  if (elections.isError) return <ErrorMessage error={elections.error} onRetry={() => void elections.refetch()} />;
  if (assignments.isError) return <ErrorMessage error={assignments.error} onRetry={() => void assignments.refetch()} />;
  if (!election) return <EmptyState title={t.upload.noElections} hint={t.upload.noElectionsHint} />;
  const territories = assignments.data ?? [];
  if (isWitness && territories.length === 0) {
    return <EmptyState title={t.upload.noAssignments} hint={t.upload.noAssignmentsHint} />;
  }

  const mesaProblem =
    mesa === ''
      ? isWitness
        ? t.upload.mesaRequired
        : null
      : !mesaKeySchema.safeParse(mesa).success
        ? t.upload.mesaInvalid
        : isWitness && !isAssigned(territories, mesa)
          ? t.upload.mesaNotAssigned
          : null;
  const files = chosen.map((entry) => entry.file);
  const allPhotos = files.length > 1 && files.every((file) => file.type === 'image/jpeg');
  const asOneSheet = oneSheet && allPhotos && files.length <= MAX_SHEET_PHOTOS;

  const addFiles = (added: File[]) => {
    const entries = added.map((file) => ({ key: nextKey.current++, file }));
    if (entries.length > 0) setChosen((current) => [...current, ...entries]);
  };

  const update = (key: number, outcome: Outcome) =>
    setSendings((current) => current.map((item) => (item.key === key ? { ...item, outcome } : item)));

  const send = async () => {
    const groups = asOneSheet ? [files] : files.map((file) => [file]);
    const queued = groups.map((group) => ({
      key: nextKey.current++,
      names: group.map((file) => file.name),
      bytes: group.reduce((total, file) => total + file.size, 0),
      outcome: { kind: 'sending', progress: 0 } as Outcome,
      group,
    }));
    setSendings((current) => [...queued.map(({ group: _, ...item }) => item), ...current]);
    setChosen([]);
    setOneSheet(false);
    resetPicker.current?.();
    resetCamera.current?.();
    // One at a time: a phone's uplink is the bottleneck, and each file's progress then means something.
    for (const { key, group } of queued) {
      const form = new FormData();
      form.append('electionCode', election.code);
      if (corporation) form.append('corporation', corporation);
      if (mesa) form.append('mesa', mesa);
      if (copy) form.append('copy', copy);
      for (const file of group) form.append('file', file, file.name);
      try {
        const accepted = await uploadDocument(form, (progress) => update(key, { kind: 'sending', progress }));
        update(key, { kind: 'accepted', accepted });
        void queryClient.invalidateQueries({ queryKey: SENT_DOCUMENTS_KEY });
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'fallback';
        const message = error instanceof Error ? error.message : t.errors.fallback;
        update(key, { kind: 'refused', code, message });
      }
    }
  };

  const mesaField = isWitness ? (
    <Autocomplete
      label={t.upload.mesa}
      description={t.upload.witnessMesaHint}
      styles={READABLE_DESCRIPTION}
      data={territories.filter((territory) => mesaKeySchema.safeParse(territory).success)}
      value={mesa}
      onChange={setMesa}
      error={mesa !== '' || chosen.length > 0 ? mesaProblem : null}
      required
      placeholder="DD-MMM-ZZ-PP-MMM"
    />
  ) : (
    <TextInput
      label={t.upload.mesa}
      description={t.upload.staffMesaHint}
      styles={READABLE_DESCRIPTION}
      value={mesa}
      onChange={(event) => setMesa(event.currentTarget.value.trim())}
      error={mesaProblem}
      placeholder="DD-MMM-ZZ-PP-MMM"
    />
  );

  return (
    <Stack gap="lg">
      <Title order={2}>{t.upload.title}</Title>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper
            withBorder
            p="md"
            radius="md"
            component="section"
            aria-labelledby="upload-sheet"
            style={READABLE_ERRORS}
          >
            <Stack gap="sm">
              <Title order={3} size="h5" id="upload-sheet">
                {t.upload.sheetTitle}
              </Title>
              {elections.data.length > 1 && (
                <Select
                  label={t.upload.election}
                  data={elections.data.map((item) => ({ value: item.code, label: item.name }))}
                  value={election.code}
                  onChange={setChosenElection}
                  allowDeselect={false}
                />
              )}
              {mesaField}
              <Group grow align="flex-start">
                <Select
                  label={t.upload.corporation}
                  placeholder={t.upload.fromSheet}
                  data={election.corporations.map((code) => ({ value: code, label: t.corporations[code] ?? code }))}
                  value={corporation}
                  onChange={(value) => setCorporation(value as Corporation | null)}
                  clearable
                />
                <Select
                  label={t.upload.copy}
                  placeholder={t.upload.fromSheet}
                  data={COPIES.map((code) => ({ value: code, label: t.upload.copies[code] }))}
                  value={copy}
                  onChange={(value) => setCopy(value as Copy | null)}
                  clearable
                />
              </Group>
              <DropZone hint={t.upload.dropHint} onFiles={addFiles}>
                <Group gap="xs" justify="center">
                  <FileButton onChange={addFiles} accept={PICKER_ACCEPT} multiple resetRef={resetPicker}>
                    {(props) => <Button {...props}>{t.upload.pickFiles}</Button>}
                  </FileButton>
                  <FileButton
                    onChange={(file) => addFiles(file ? [file] : [])}
                    accept={CAMERA_ACCEPT}
                    capture="environment"
                    resetRef={resetCamera}
                  >
                    {(props) => (
                      <Button variant="default" {...props}>
                        {t.upload.takePhoto}
                      </Button>
                    )}
                  </FileButton>
                </Group>
              </DropZone>
              {files.length > 0 && (
                <Stack gap={4}>
                  <Text size="sm" fw={600}>
                    {t.upload.selectedCount(files.length)}
                  </Text>
                  {chosen.map(({ key, file }) => (
                    <Group key={key} justify="space-between" wrap="nowrap">
                      <Text size="sm" truncate>
                        {file.name} · {sizeOf(file.size)}
                      </Text>
                      <Button
                        size="compact-xs"
                        variant="default"
                        aria-label={t.upload.remove(file.name)}
                        onClick={() => setChosen((current) => current.filter((entry) => entry.key !== key))}
                      >
                        {t.upload.removeShort}
                      </Button>
                    </Group>
                  ))}
                </Stack>
              )}
              {allPhotos && (
                <Checkbox
                  label={t.upload.oneSheet}
                  description={
                    files.length > MAX_SHEET_PHOTOS ? t.upload.oneSheetTooMany(MAX_SHEET_PHOTOS) : t.upload.oneSheetHint
                  }
                  checked={asOneSheet}
                  styles={READABLE_DESCRIPTION}
                  disabled={files.length > MAX_SHEET_PHOTOS}
                  onChange={(event) => setOneSheet(event.currentTarget.checked)}
                />
              )}
              <Button onClick={() => void send()} disabled={files.length === 0 || mesaProblem !== null}>
                {files.length === 0
                  ? t.upload.send
                  : t.upload.sendCount(asOneSheet ? 1 : files.length, asOneSheet ? files.length : 0)}
              </Button>
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <SentPanel sendings={sendings} election={election?.code} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
