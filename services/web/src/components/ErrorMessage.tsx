import { Alert, Button, Stack, Text } from '@mantine/core';
import { ApiError } from '../api/http';
import { errorMessage, t } from '../i18n/es-CO';

/** A failure in words: the sentence for the API's error code, and what to quote to support. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const code = error instanceof ApiError ? error.code : 'fallback';
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <Alert color="red" title={t.states.errorTitle} role="alert">
      <Stack gap="xs">
        <Text size="sm">{errorMessage(code)}</Text>
        {requestId && <Text size="xs">{t.states.reference(requestId)}</Text>}
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry} w="fit-content">
            {t.states.retry}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
