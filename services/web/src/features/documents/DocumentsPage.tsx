import { type DocumentListItem, documentSourceSchema, type RagStatsResponse } from '@castor/contracts';
import { Badge, Button, FileButton, Group, Paper, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { documentsApi } from '../../api/documents';
import { useSession } from '../../api/session';
import { ActionStatus } from '../../components/ActionStatus';
import { formatCount, formatDateTime } from '../../components/conversation-format';
import { DropZone } from '../../components/DropZone';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { READABLE_CAPTION } from '../../components/readable-description';
import { t } from '../../i18n/es-CO';

const DOCUMENTS_KEY = ['dashboard', 'documents'] as const;
const STATS_KEY = ['dashboard', 'rag-stats'] as const;
/** What the picker offers; the service judges the bytes, not the name. */
const ACCEPT = '.pdf,.docx,.md,.markdown,.txt,application/pdf,text/markdown,text/plain';
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 0 });

/** The store and mode in words: offline lexical search is named as the person reads it; vectors still to embed are counted. */
function StatsPanel({ stats }: { stats: RagStatsResponse }) {
  const { retrieval } = stats;
  const offline = retrieval.mode.startsWith('offline');
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="documents-stats-title">
      <Title order={3} size="h4" id="documents-stats-title" mb={4}>
        {t.documents.statsTitle}
      </Title>
      <Text size="sm" data-testid="documents-stats">
        {t.documents.stats(formatCount(stats.documents), formatCount(stats.chunks))}
      </Text>
      <Text size="sm">{t.documents.store(retrieval.store)}</Text>
      <Text size="sm">{t.documents.mode(offline ? t.documents.offlineMode : retrieval.mode)}</Text>
      {!offline && <Text size="sm">{t.documents.embeddingModel(retrieval.embeddingModel)}</Text>}
      {stats.vectors && (
        <Text size="sm" data-testid="documents-vectors">
          {t.documents.vectors(formatCount(stats.vectors.vectors), formatCount(stats.vectors.pending))}
        </Text>
      )}
    </Paper>
  );
}

/** One file at a time: dropped or picked, an optional source label, sent with its upload progress. */
function UploadPanel() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState('');
  const [progress, setProgress] = useState(0);
  const resetPicker = useRef<() => void>(null);
  const sourceError = source !== '' && !documentSourceSchema.safeParse(source).success;
  const upload = useMutation({
    mutationFn: (chosen: File) =>
      documentsApi.upload(chosen, source === '' ? {} : { source }, (fraction) => setProgress(fraction)),
    onMutate: () => setProgress(0),
    onSuccess: () => {
      setFile(null);
      resetPicker.current?.();
      void queryClient.invalidateQueries({ queryKey: DOCUMENTS_KEY });
      void queryClient.invalidateQueries({ queryKey: STATS_KEY });
    },
  });
  const choose = (chosen: File | null) => {
    setFile(chosen);
    upload.reset();
  };
  const done = upload.data
    ? upload.data.replayed
      ? t.documents.replayed(upload.data.document.title)
      : t.documents.uploaded(upload.data.document.title, upload.data.document.chunks)
    : null;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="documents-upload-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="documents-upload-title">
          {t.documents.uploadTitle}
        </Title>
        <DropZone hint={t.documents.dropHint} onFiles={(files) => choose(files[0] ?? null)}>
          <FileButton onChange={choose} accept={ACCEPT} resetRef={resetPicker}>
            {(props) => (
              <Button variant="default" {...props}>
                {t.documents.pickFile}
              </Button>
            )}
          </FileButton>
          <Text size="xs">{t.documents.maxSize}</Text>
          {file && <Text size="sm">{t.documents.chosen(file.name)}</Text>}
        </DropZone>
        <TextInput
          label={t.documents.source}
          aria-describedby="documents-source-hint"
          value={source}
          onChange={(event) => setSource(event.currentTarget.value.trim())}
          error={sourceError ? t.documents.sourceInvalid : undefined}
          maw={360}
        />
        {/* Full text color: Mantine's input description is too faint to read. */}
        <Text size="xs" id="documents-source-hint" mt={-8}>
          {t.documents.sourceHint}
        </Text>
        <Button
          w="fit-content"
          disabled={!file || sourceError}
          loading={upload.isPending}
          onClick={() => file && upload.mutate(file)}
        >
          {t.documents.upload}
        </Button>
        {upload.isPending && (
          <Stack gap={4}>
            <Text size="sm">{t.documents.uploading(percent.format(progress))}</Text>
            <Progress value={progress * 100} size="sm" aria-label={t.documents.progressLabel} />
          </Stack>
        )}
        <ActionStatus done={done} error={upload.error} />
      </Stack>
    </Paper>
  );
}

/** One row; for admins and analysts a delete that asks once before it removes the document and its chunks. */
function DocumentRow({ document, editor }: { document: DocumentListItem; editor: boolean }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => documentsApi.remove(document.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: DOCUMENTS_KEY });
      void queryClient.invalidateQueries({ queryKey: STATS_KEY });
    },
  });
  const c = t.documents;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={600}>
          {document.title}
        </Text>
        {document.filename && document.filename !== document.title && <Text size="xs">{document.filename}</Text>}
      </Table.Td>
      <Table.Td>{c.formats[document.format]}</Table.Td>
      <Table.Td ta="right">{document.pages ?? '—'}</Table.Td>
      <Table.Td ta="right">{formatCount(document.chunks)}</Table.Td>
      <Table.Td>
        <Badge color="teal.9" variant="outline">
          {c.statuses[document.status]}
        </Badge>
      </Table.Td>
      <Table.Td>{document.source}</Table.Td>
      <Table.Td>{formatDateTime(document.uploadedAt)}</Table.Td>
      {editor && (
        <Table.Td>
          {confirming ? (
            <Stack gap={4}>
              <Text size="xs">{c.confirmRemove(document.title)}</Text>
              <Group gap={4} wrap="nowrap">
                <Button size="xs" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
                  {c.confirm}
                </Button>
                <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
                  {c.cancel}
                </Button>
              </Group>
              {remove.error != null && <ErrorMessage error={remove.error} />}
            </Stack>
          ) : (
            <Button
              size="xs"
              variant="light"
              color="red"
              aria-label={c.remove(document.title)}
              onClick={() => setConfirming(true)}
            >
              {c.removeShort}
            </Button>
          )}
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** The campaign's documents: upload (admins and analysts), what is indexed, and the search index's state. */
export default function DocumentsPage() {
  const role = useSession()?.user.role;
  const editor = role === 'admin' || role === 'analyst';
  const documents = useQuery({ queryKey: DOCUMENTS_KEY, queryFn: documentsApi.list });
  const stats = useQuery({ queryKey: STATS_KEY, queryFn: documentsApi.stats });
  const c = t.documents.columns;

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t.documents.title}</Title>
        <Text size="sm">{t.documents.intro}</Text>
      </div>
      {stats.data && <StatsPanel stats={stats.data} />}
      {stats.isError && <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />}
      {editor && <UploadPanel />}
      <section aria-labelledby="documents-list-title">
        <Title order={3} size="h4" id="documents-list-title" mb="xs">
          {t.documents.listTitle}
        </Title>
        {documents.isPending && <PageSkeleton />}
        {documents.isError && <ErrorMessage error={documents.error} onRetry={() => void documents.refetch()} />}
        {documents.data && documents.data.length === 0 && <EmptyState title={t.documents.none} />}
        {documents.data && documents.data.length > 0 && (
          <Table.ScrollContainer minWidth={760}>
            <Table striped fz="sm" captionSide="top" styles={READABLE_CAPTION}>
              <Table.Caption>{t.documents.caption}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{c.title}</Table.Th>
                  <Table.Th>{c.format}</Table.Th>
                  <Table.Th ta="right">{c.pages}</Table.Th>
                  <Table.Th ta="right">{c.chunks}</Table.Th>
                  <Table.Th>{c.status}</Table.Th>
                  <Table.Th>{c.source}</Table.Th>
                  <Table.Th>{c.uploaded}</Table.Th>
                  {editor && <Table.Th>{c.actions}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {documents.data.map((document) => (
                  <DocumentRow key={document.id} document={document} editor={editor} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>
    </Stack>
  );
}
