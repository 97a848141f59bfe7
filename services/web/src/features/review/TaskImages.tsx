import type { ReviewTask } from '@castor/contracts';
import { Box, Paper, Skeleton, Stack, Text } from '@mantine/core';
import { ApiError } from '../../api/http';
import { errorMessage, t } from '../../i18n/es-CO';
import { useTaskImage } from './queries';

function TaskImage({
  path,
  alt,
  caption,
  missing,
  height,
}: {
  path: string | null;
  alt: string;
  caption: string;
  missing: string;
  height: number;
}) {
  const image = useTaskImage(path);
  return (
    <Stack gap={4}>
      <Text size="xs" fw={600} tt="uppercase">
        {caption}
      </Text>
      <Box
        h={height}
        bg="white"
        style={{
          border: '1px solid var(--mantine-color-gray-4)',
          borderRadius: 4,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
        }}
      >
        {path === null && (
          <Text size="sm" px="sm">
            {missing}
          </Text>
        )}
        {image.isPending && <Skeleton h={height - 2} />}
        {image.error && (
          <Text size="sm" px="sm" role="alert">
            {image.error instanceof ApiError ? errorMessage(image.error.code) : t.review.imageFailed}
          </Text>
        )}
        {image.url && (
          <img
            src={image.url}
            alt={alt}
            style={{ height: height - 8, width: 'auto', maxWidth: '100%', objectFit: 'contain' }}
          />
        )}
      </Box>
    </Stack>
  );
}

/** The cell as scanned, under its row's printed candidate number and name: what the vote counts for. */
export function TaskImages({ task, cellHeight = 200 }: { task: ReviewTask; cellHeight?: number }) {
  if (task.crop.url === null) {
    return (
      <Paper withBorder p="md" radius="md">
        <Text size="sm">{t.review.noScan}</Text>
      </Paper>
    );
  }
  return (
    <Paper withBorder p="sm" radius="md">
      <Stack gap="sm">
        <TaskImage
          path={task.crop.labelUrl}
          alt={t.review.labelAlt(task.field.label)}
          caption={t.review.labelCrop}
          missing={t.review.noLabel}
          height={72}
        />
        <TaskImage
          path={task.crop.url}
          alt={t.review.cellAlt(task.field.label)}
          caption={t.review.cellCrop}
          missing={t.review.noScan}
          height={cellHeight}
        />
      </Stack>
    </Paper>
  );
}
