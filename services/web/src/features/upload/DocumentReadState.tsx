import type { DocumentResponse } from '@castor/contracts';
import { Badge, Group, Loader, Text } from '@mantine/core';
import { t } from '../../i18n/es-CO';
import { useDocument } from './queries';
import { reasonOf } from './reason';

/** Dark enough for white text above 4.5:1 (Mantine's green.9 and orange.9 are not). */
const STATE_COLORS: Record<DocumentResponse['state'], string> = {
  queued: 'gray.7',
  processing: 'indigo.8',
  done: '#1b5e20',
  failed: '#b71c1c',
  dead: '#b71c1c',
  quarantined: '#8f3a00',
  replaced: 'gray.7',
};

/** What the pipeline made of the document, in words: its state, then why it stopped or what it stored. */
function detailOf(document: DocumentResponse): string | null {
  if (document.state === 'done') {
    const stored = document.intakeOutcome === 'duplicate' ? t.upload.read.alreadyStored : t.upload.read.stored;
    const toReview = document.reading?.fieldsToReview ?? 0;
    return toReview > 0 ? `${stored} ${t.upload.read.toReview(toReview)}` : stored;
  }
  if (document.error && ['failed', 'dead', 'quarantined'].includes(document.state)) {
    return reasonOf(document.error.code, document.error.message);
  }
  return null;
}

/** What the pipeline made of one document: its state in words, why it stopped or what it stored, its mesa. */
export function DocumentReading({ document }: { document: DocumentResponse }) {
  const { state, mesaKey } = document;
  const detail = detailOf(document);
  return (
    <div>
      <Group gap={6} wrap="nowrap">
        <Badge color={STATE_COLORS[state]} variant="filled" radius="sm">
          {t.upload.states[state]}
        </Badge>
        {(state === 'queued' || state === 'processing') && <Loader size={14} aria-hidden />}
      </Group>
      {detail && (
        <Text size="xs" mt={4}>
          {detail}
        </Text>
      )}
      {mesaKey && <Text size="xs">{t.upload.read.mesa(mesaKey)}</Text>}
    </div>
  );
}

/** The reading of one queued document, asked again until it settles (read, quarantined, failed). */
export function DocumentReadState({ documentId }: { documentId: number }) {
  const document = useDocument(documentId);
  if (document.isPending) return <Loader size="xs" aria-label={t.states.loading} />;
  if (document.isError) return <Text size="sm">{t.upload.read.unknown}</Text>;
  return <DocumentReading document={document.data} />;
}
