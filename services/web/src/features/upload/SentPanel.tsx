import type { DocumentResponse, ProcessAccepted } from '@castor/contracts';
import { Button, Loader, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { ErrorMessage } from '../../components/ErrorMessage';
import { t } from '../../i18n/es-CO';
import { DocumentReading, DocumentReadState } from './DocumentReadState';
import { sizeOf } from './file-size';
import { useSentDocuments } from './queries';
import { reasonOf } from './reason';

const percent = new Intl.NumberFormat('es-CO', { style: 'percent' });
const dateTime = new Intl.DateTimeFormat('es-CO', { dateStyle: 'medium', timeStyle: 'short' });

/** Where one request stands: uploading (its share sent), accepted by the API, or refused with its reason. */
export type Outcome =
  | { kind: 'sending'; progress: number }
  | { kind: 'accepted'; accepted: ProcessAccepted }
  | { kind: 'refused'; code: string; message: string };

/** One request: one file, or the photos of one sheet's pages. */
export interface Sending {
  key: number;
  names: string[];
  bytes: number;
  outcome: Outcome;
}

function OutcomeCell({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'sending') {
    const label = t.upload.outcome.sending(percent.format(outcome.progress));
    return (
      <Stack gap={4}>
        <Text size="sm">{label}</Text>
        <Progress value={outcome.progress * 100} size="sm" aria-label={label} />
      </Stack>
    );
  }
  if (outcome.kind === 'refused') {
    return (
      <Text size="sm" c="red.9">
        {t.upload.outcome.refused(reasonOf(outcome.code, outcome.message))}
      </Text>
    );
  }
  const { accepted } = outcome;
  return (
    <Text size="sm">
      {accepted.duplicate
        ? t.upload.outcome.duplicate(accepted.documentId)
        : t.upload.outcome.queued(accepted.documentId)}
    </Text>
  );
}

/** A document sent earlier (another session, before a reload): the API keeps no file name, so its number. */
function SentDocumentRow({ document }: { document: DocumentResponse }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm">{t.upload.sentDocument(document.id)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{t.upload.sentAt(dateTime.format(new Date(document.createdAt)))}</Text>
      </Table.Td>
      <Table.Td>
        <DocumentReading document={document} />
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * "Sus envíos": this session's uploads first (file names, progress, the API's answer, then what the
 * pipeline read), then the documents the person sent before, from the API, so a reload loses none.
 */
export function SentPanel({ sendings, election }: { sendings: readonly Sending[]; election: string | undefined }) {
  const sent = useSentDocuments(election);
  // This session's rows say more (file names, progress): a document it sent is shown there only.
  const sentThisSession = new Set(
    sendings.flatMap((item) => (item.outcome.kind === 'accepted' ? [item.outcome.accepted.documentId] : [])),
  );
  const sentBefore = (sent.data?.pages ?? [])
    .flatMap((page) => page.documents)
    .filter((document) => !sentThisSession.has(document.id));

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="upload-sent">
      <Title order={3} size="h5" id="upload-sent" mb="sm">
        {t.upload.sentTitle}
      </Title>
      {sent.isError && <ErrorMessage error={sent.error} onRetry={() => void sent.refetch()} />}
      {sendings.length === 0 && sentBefore.length === 0 ? (
        sent.isPending ? (
          <Loader size="sm" aria-label={t.states.loading} />
        ) : (
          !sent.isError && <Text size="sm">{t.upload.nothingSent}</Text>
        )
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing={6} aria-labelledby="upload-sent">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="30%">{t.upload.columns.file}</Table.Th>
                <Table.Th w="30%">{t.upload.columns.sent}</Table.Th>
                <Table.Th>{t.upload.columns.read}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody aria-live="polite">
              {sendings.map((item) => (
                <Table.Tr key={item.key}>
                  <Table.Td maw={220}>
                    {item.names.map((name) => (
                      <Text key={name} size="sm" truncate>
                        {name}
                      </Text>
                    ))}
                    <Text size="xs">
                      {item.names.length > 1 ? t.upload.pagesOfOneSheet(item.names.length) : ''}
                      {sizeOf(item.bytes)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <OutcomeCell outcome={item.outcome} />
                  </Table.Td>
                  <Table.Td>
                    {item.outcome.kind === 'accepted' ? (
                      <DocumentReadState documentId={item.outcome.accepted.documentId} />
                    ) : (
                      <Text size="sm">—</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {sentBefore.map((document) => (
                <SentDocumentRow key={document.id} document={document} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {sent.hasNextPage && (
        <Button variant="default" mt="sm" loading={sent.isFetchingNextPage} onClick={() => void sent.fetchNextPage()}>
          {t.upload.olderSent}
        </Button>
      )}
    </Paper>
  );
}
