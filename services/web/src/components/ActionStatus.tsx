import { Alert, Text } from '@mantine/core';
import { ErrorMessage } from './ErrorMessage';

/**
 * What the last action came to, announced to screen readers: a short confirmation, or the API's
 * error in words. Nothing when neither is given.
 */
export function ActionStatus({ done, error }: { done?: string | null; error?: unknown }) {
  return (
    <div aria-live="polite">
      {done && (
        <Alert color="teal" variant="light" p="xs">
          <Text size="sm">{done}</Text>
        </Alert>
      )}
      {error != null && <ErrorMessage error={error} />}
    </div>
  );
}
