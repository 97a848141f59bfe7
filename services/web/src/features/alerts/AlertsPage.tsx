import { Alert, Stack, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { useElections } from '../../components/use-elections';
import { t } from '../../i18n/es-CO';
import { AlertEvidence } from './AlertEvidence';
import { AlertList } from './AlertList';
import { EVIDENCE_PARAMS } from './search-params';

/**
 * The alerts of an election and, for one of them, the evidence of its mesa. Both live in the URL
 * (filters, then ?alerta=&territorio=) so a filtered list or an evidence page can be shared.
 */
export default function AlertsPage() {
  const [params] = useSearchParams();
  const elections = useElections();
  const chosen = params.get('eleccion');
  const election = elections.data?.find((item) => item.code === chosen) ?? elections.data?.[0];
  const alertId = Number(params.get(EVIDENCE_PARAMS.alert));
  const territory = params.get(EVIDENCE_PARAMS.territory);

  if (elections.isPending) return <PageSkeleton />;
  if (elections.isError) return <ErrorMessage error={elections.error} onRetry={() => void elections.refetch()} />;
  if (!election) return <EmptyState title={t.electionNight.noElections} hint={t.electionNight.noElectionsHint} />;

  return (
    <Stack gap="md">
      {alertId > 0 && territory !== null ? (
        <AlertEvidence election={election.code} alertId={alertId} territory={territory} />
      ) : (
        <>
          <Title order={2}>{t.alerts.title}</Title>
          <Alert color="blue" variant="light" p="xs">
            {t.alerts.leadNotProof}
          </Alert>
          <AlertList elections={elections.data} election={election} />
        </>
      )}
    </Stack>
  );
}
