import { Alert, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** What an action came to, headed in bold: Mantine's coloured Alert titles fall short of the contrast axe asks for. */
export function Outcome({
  color,
  heading,
  children,
}: {
  color: 'teal' | 'red';
  heading: string;
  children?: ReactNode;
}) {
  return (
    <Alert color={color} variant="light" p="sm">
      <Text size="sm" fw={700}>
        {heading}
      </Text>
      {children}
    </Alert>
  );
}
