import { Alert, Stack, Title } from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { useElections } from '../../components/use-elections';
import { t } from '../../i18n/es-CO';
import { AlertEvidence } from './AlertEvidence';
import { AlertList } from './AlertList';

/**
 * The alerts of an election (/alertas, filters in the query) and the evidence of one of them
 * (/alertas/:id, the list's filters kept for "back"): both can be shared as links.
 */
export default function AlertsPage() {
  const { alertId } = useParams();
  return alertId === undefined ? <AlertsOfElection /> : <AlertEvidence alertId={alertId} />;
}

function AlertsOfElection() {
  const [params] = useSearchParams();
  const elections = useElections();
  const chosen = params.get('eleccion');
  const election = elections.data?.find((item) => item.code === chosen) ?? elections.data?.[0];

  if (elections.isPending) return <PageSkeleton />;
  if (elections.isError) return <ErrorMessage error={elections.error} onRetry={() => void elections.refetch()} />;
  if (!election) return <EmptyState title={t.electionNight.noElections} hint={t.electionNight.noElectionsHint} />;

  return (
    <Stack gap="md">
      <Title order={2}>{t.alerts.title}</Title>
      <Alert color="blue" variant="light" p="xs">
        {t.alerts.leadNotProof}
      </Alert>
      <AlertList elections={elections.data} election={election} />
    </Stack>
  );
}
