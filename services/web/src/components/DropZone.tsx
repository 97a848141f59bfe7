import { Paper, Stack, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';

/**
 * A dashed area files can be dropped on (it lights up while they hover), with a hint and the
 * page's own pickers inside: dropping is a shortcut, the pickers stay the accessible way in.
 */
export function DropZone({
  hint,
  onFiles,
  children,
}: {
  hint: string;
  onFiles: (files: File[]) => void;
  children: ReactNode;
}) {
  const [dragging, setDragging] = useState(false);
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      bg={dragging ? 'blue.0' : undefined}
      style={{ borderStyle: 'dashed' }}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        onFiles([...event.dataTransfer.files]);
      }}
    >
      <Stack gap="xs" align="center">
        <Text size="sm">{hint}</Text>
        {children}
      </Stack>
    </Paper>
  );
}
