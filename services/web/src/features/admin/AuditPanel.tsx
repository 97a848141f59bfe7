import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { ErrorMessage } from '../../components/ErrorMessage';
import { t } from '../../i18n/es-CO';
import { Outcome } from './Outcome';
import { useVerifyAudit } from './queries';

/** Recomputes the audit hash chain on demand and says in words whether it holds. */
export function AuditPanel() {
  const verify = useVerifyAudit();
  const result = verify.data;
  const words = t.admin.audit;

  return (
    <Stack gap="md" maw={760}>
      <Text size="sm">{words.intro}</Text>
      <Group>
        <Button onClick={() => verify.mutate()} loading={verify.isPending}>
          {words.run}
        </Button>
      </Group>
      <div aria-live="polite">
        {verify.isError && <ErrorMessage error={verify.error} />}
        {result && (
          <Stack gap="sm">
            {result.firstBroken ? (
              <Outcome color="red" heading={words.broken(result.firstBroken.seq)}>
                <Text size="sm">{words.brokenReasons[result.firstBroken.reason]}</Text>
              </Outcome>
            ) : (
              <Outcome color="teal" heading={words.intact(result.head.seq)}>
                <Text size="sm">{words.checkedEntries(result.entries)}</Text>
              </Outcome>
            )}
            {result.firstMismatch ? (
              <Outcome color="red" heading={words.mismatch}>
                <Text size="sm">
                  {words.mismatchDetail(
                    result.firstMismatch.entity,
                    result.firstMismatch.entityId,
                    result.firstMismatch.field,
                    result.firstMismatch.seq,
                  )}
                </Text>
              </Outcome>
            ) : (
              !result.firstBroken && <Text size="sm">{words.dataMatches}</Text>
            )}
            <Paper withBorder p="sm" radius="md">
              <Text size="sm">
                {words.checked(result.checked.forms, result.checked.truths, result.checked.rollupRows)}
              </Text>
              <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {words.headHash(result.head.hash)}
              </Text>
            </Paper>
          </Stack>
        )}
      </div>
    </Stack>
  );
}
