import type { Alert } from '@castor/contracts';
import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { t } from '../../i18n/es-CO';
import { type AlertStatus, useSetAlertStatus } from './queries';

/** The API's minimum for a reason (updateAlertStatusRequestSchema). */
const MIN_REASON = 3;

const ACTIONS: ReadonlyArray<{ status: AlertStatus; label: string }> = [
  { status: 'acknowledged', label: t.alerts.acknowledge },
  { status: 'resolved', label: t.alerts.dismiss },
  { status: 'open', label: t.alerts.reopen },
];

/** Acknowledge, dismiss (resolve) or reopen the alert, always with a reason that goes to the audit log. */
export function StatusDecision({ alert }: { alert: Alert }) {
  const [reason, setReason] = useState('');
  const [missingReason, setMissingReason] = useState(false);
  const setStatus = useSetAlertStatus();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The button pressed says which status: each submit button carries its own.
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const status = ACTIONS.find((action) => action.status === submitter?.getAttribute('value'))?.status;
    if (!status) return;
    if (reason.trim().length < MIN_REASON) {
      setMissingReason(true);
      return;
    }
    setStatus.mutate({ id: alert.id, status, reason: reason.trim() }, { onSuccess: () => setReason('') });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        <Textarea
          label={t.alerts.reason}
          description={t.alerts.reasonHint}
          // Mantine dims descriptions below WCAG AA contrast.
          styles={{ description: { color: 'var(--mantine-color-text)' } }}
          required
          autosize
          minRows={2}
          maxLength={2_000}
          value={reason}
          error={missingReason && reason.trim().length < MIN_REASON ? t.alerts.reasonRequired : undefined}
          onChange={(event) => {
            setReason(event.currentTarget.value);
            setMissingReason(false);
          }}
        />
        <Group gap="xs">
          {ACTIONS.filter((action) => action.status !== alert.status).map((action) => (
            <Button
              key={action.status}
              type="submit"
              size="xs"
              variant={action.status === 'acknowledged' ? 'filled' : 'default'}
              loading={setStatus.isPending && setStatus.variables?.status === action.status}
              disabled={setStatus.isPending}
              name="status"
              value={action.status}
            >
              {action.label}
            </Button>
          ))}
        </Group>
        {setStatus.isSuccess && setStatus.data.id === alert.id && (
          <Text size="sm" role="status">
            {t.alerts.saved(t.alerts.statuses[setStatus.data.status])}
          </Text>
        )}
        {setStatus.isError && <ErrorMessage error={setStatus.error} />}
      </Stack>
    </form>
  );
}
