import { SimpleGrid, Skeleton, Stack, VisuallyHidden } from '@mantine/core';
import { t } from '../i18n/es-CO';

/** The shape of a dashboard page while its first data loads (later refreshes keep the data on screen). */
export function PageSkeleton({ label = t.states.loading }: { label?: string }) {
  return (
    <Stack gap="md" aria-busy="true">
      <VisuallyHidden role="status">{label}</VisuallyHidden>
      <Skeleton height={32} width="40%" />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
        {['a', 'b', 'c', 'd', 'e', 'f'].map((key) => (
          <Skeleton key={key} height={96} radius="md" />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
