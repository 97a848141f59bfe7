import { Paper, Stack, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

/** A framed form with its heading, as the admin panels lay out each action (invite, assign, import). */
export function FormCard({
  title,
  onSubmit,
  children,
}: {
  title: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="sm" radius="md">
      <form onSubmit={onSubmit}>
        <Stack gap="sm">
          <Title order={3} size="h5">
            {title}
          </Title>
          {children}
        </Stack>
      </form>
    </Paper>
  );
}
