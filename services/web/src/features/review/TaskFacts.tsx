import type { ReviewTask } from '@castor/contracts';
import { Badge, Group, Stack, Text, Title } from '@mantine/core';
import { t } from '../../i18n/es-CO';

const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 0 });

function readingText(field: Pick<ReviewTask['field'], 'state' | 'value'>): string {
  if (field.state === 'read') return t.review.readings.read(String(field.value ?? ''));
  return t.review.readings[field.state];
}

/**
 * What the reviewer judges beside the crops: the row, the mesa, what the machine read. `stage` is
 * the double-entry status (first, second or tie-break entry; an admin sees the entries counted).
 */
export function TaskFacts({ task, stage }: { task: ReviewTask; stage: string }) {
  const { field, context } = task;
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Badge color={task.entries === 0 ? 'blue.8' : 'grape.8'} variant="filled">
          {stage}
        </Badge>
        <Badge color="gray.8" variant="outline">
          {t.review.reasons[task.reason]}
        </Badge>
      </Group>
      <Title order={3} size="h4">
        {field.label}
      </Title>
      <Text size="sm">
        {t.review.mesa(context.mesaKey, t.corporations[context.corporation] ?? context.corporation, context.copy)}
      </Text>
      <Group gap="xs" align="baseline">
        <Text size="sm">{t.review.machineRead}:</Text>
        <Text fw={700}>{readingText(field)}</Text>
        <Text size="xs">({t.review.confidence(percent.format(field.confidence))})</Text>
      </Group>
      {field.readings.length > 1 && (
        <Text size="xs">
          {t.review.providerReadings}:{' '}
          {field.readings
            .map((reading) => `${reading.provider} ${readingText(reading)} (${percent.format(reading.confidence)})`)
            .join(' · ')}
        </Text>
      )}
      <Text size="xs">{t.review.blind}</Text>
    </Stack>
  );
}
