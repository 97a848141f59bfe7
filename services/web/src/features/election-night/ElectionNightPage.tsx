import { alertMessage } from '@castor/alert-wording';
import type { Corporation, PipelineStatus } from '@castor/contracts';
import { Badge, Button, Group, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../api/session';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { SEVERITY_COLORS } from '../../components/severity';
import { useElections } from '../../components/use-elections';
import { t } from '../../i18n/es-CO';
import { ActivityChart } from './ActivityChart';
import { AlertsChart } from './AlertsChart';
import { modelLine } from './model-line';
import { REFRESH_SECONDS, useOpenAlerts, usePipelineActivity, usePipelineStatus, useResults } from './queries';

const count = new Intl.NumberFormat('es-CO');
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });
const time = new Intl.DateTimeFormat('es-CO', { timeStyle: 'medium' });

function Stat({ label, value, of }: { label: string; value: number; of?: number }) {
  const share = of ? value / of : undefined;
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Text fz={28} fw={700}>
        {count.format(value)}
      </Text>
      {share !== undefined && (
        <>
          <Progress value={share * 100} size="sm" mt={4} aria-label={label} />
          <Text size="xs" mt={4}>
            {t.electionNight.ofExpected(percent.format(share))}
          </Text>
        </>
      )}
    </Paper>
  );
}

/** The recognizer model the pipeline reads with; nothing until the service has loaded one. */
function ModelInUse({ model }: { model: PipelineStatus['model'] }) {
  const line = modelLine(model, new Date());
  if (!line) return null;
  return (
    <Stack gap={2} mt="sm">
      <Text size="sm">{line.summary}</Text>
      {line.comparison && (
        <Text size="xs">
          {t.electionNight.model.comparedWith(line.comparison.previousVersion)} {line.comparison.sets.join('; ')}
        </Text>
      )}
    </Stack>
  );
}

/** Election night at a glance: mesas counted and checked, the reading pipeline, open alerts. */
export default function ElectionNightPage() {
  const role = useSession()?.user.role ?? 'viewer';
  const queryClient = useQueryClient();
  const elections = useElections();
  const [chosenElection, setChosenElection] = useState<string | null>(null);
  const [chosenCorporation, setChosenCorporation] = useState<Corporation | null>(null);
  const election = elections.data?.find((item) => item.code === chosenElection) ?? elections.data?.[0];
  const corporation =
    chosenCorporation && election?.corporations.includes(chosenCorporation)
      ? chosenCorporation
      : election?.corporations[0];
  const results = useResults(election?.code, corporation);
  const pipeline = usePipelineStatus(role);
  const activity = usePipelineActivity(election?.code, role);
  const alerts = useOpenAlerts(election?.code, role);

  if (elections.isPending) return <PageSkeleton />;
  if (elections.isError) return <ErrorMessage error={elections.error} onRetry={() => void elections.refetch()} />;
  if (!election || !corporation) {
    return <EmptyState title={t.electionNight.noElections} hint={t.electionNight.noElectionsHint} />;
  }
  const coverage = results.data?.coverage;
  const refreshing = results.isFetching || pipeline.isFetching || activity.isFetching || alerts.isFetching;
  // Only the queries this role runs: refetch() would also run a disabled one (and get a 403).
  const refreshAll = () => void queryClient.invalidateQueries({ queryKey: ['e14'] });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t.electionNight.title}</Title>
        <Group align="flex-end">
          {elections.data.length > 1 && (
            <Select
              label={t.electionNight.election}
              data={elections.data.map((item) => ({ value: item.code, label: item.name }))}
              value={election.code}
              onChange={setChosenElection}
              allowDeselect={false}
            />
          )}
          <Select
            label={t.electionNight.corporation}
            data={election.corporations.map((item) => ({ value: item, label: t.corporations[item] ?? item }))}
            value={corporation}
            onChange={(value) => setChosenCorporation(value as Corporation | null)}
            allowDeselect={false}
          />
        </Group>
      </Group>

      <Group justify="space-between">
        <Text size="sm" aria-live="polite">
          {results.data ? t.electionNight.updatedAt(time.format(new Date(results.data.generatedAt))) : t.states.loading}
          {' · '}
          {refreshing ? t.electionNight.refreshing : t.electionNight.autoRefresh(REFRESH_SECONDS)}
        </Text>
        <Button variant="default" size="xs" onClick={refreshAll}>
          {t.electionNight.refreshNow}
        </Button>
      </Group>

      <section aria-labelledby="coverage-title">
        <Title order={3} size="h4" id="coverage-title" mb="sm">
          {t.electionNight.coverageTitle}
        </Title>
        {results.isError && !coverage && <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />}
        {!coverage && results.isPending && <PageSkeleton />}
        {coverage && (
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
            <Stat label={t.electionNight.coverage.expected} value={coverage.mesasExpected} />
            <Stat label={t.electionNight.coverage.in} value={coverage.mesasIn} of={coverage.mesasExpected} />
            <Stat
              label={t.electionNight.coverage.validated}
              value={coverage.mesasValidated}
              of={coverage.mesasExpected}
            />
            <Stat
              label={t.electionNight.coverage.needsReview}
              value={coverage.mesasNeedsReview}
              of={coverage.mesasExpected}
            />
            <Stat
              label={t.electionNight.coverage.failedRules}
              value={coverage.mesasFailedRules}
              of={coverage.mesasExpected}
            />
            <Stat
              label={t.electionNight.coverage.disputed}
              value={coverage.mesasDisputed}
              of={coverage.mesasExpected}
            />
          </SimpleGrid>
        )}
      </section>

      {pipeline.isEnabled && (
        <section aria-labelledby="pipeline-title">
          <Title order={3} size="h4" id="pipeline-title" mb="sm">
            {t.electionNight.pipelineTitle}
          </Title>
          {pipeline.isError && !pipeline.data && <ErrorMessage error={pipeline.error} />}
          {pipeline.data && (
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
              <Stat label={t.electionNight.pipeline.read} value={pipeline.data.documents.done ?? 0} />
              <Stat label={t.electionNight.pipeline.backlog} value={pipeline.data.backlog} />
              <Stat
                label={t.electionNight.pipeline.failed}
                value={(pipeline.data.documents.failed ?? 0) + (pipeline.data.documents.dead ?? 0)}
              />
              <Stat
                label={t.electionNight.pipeline.throughput}
                value={Math.round(pipeline.data.throughput.last15MinutesPerMinute)}
              />
            </SimpleGrid>
          )}
          {pipeline.data && <ModelInUse model={pipeline.data.model} />}
          <Title order={4} size="h5" mt="md" mb="xs">
            {t.electionNight.activityTitle}
          </Title>
          {activity.isError && !activity.data && <ErrorMessage error={activity.error} />}
          {activity.data && <ActivityChart activity={activity.data} />}
        </section>
      )}

      {alerts.isEnabled && (
        <section aria-labelledby="alerts-title">
          <Title order={3} size="h4" id="alerts-title" mb={4}>
            {t.electionNight.alertsTitle}
          </Title>
          <Text size="sm" mb="sm">
            {t.electionNight.alertsNote}
          </Text>
          {alerts.isError && !alerts.data && <ErrorMessage error={alerts.error} />}
          {alerts.data && (
            <Stack>
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <SimpleGrid cols={2}>
                  {alerts.data.bySeverity.map(({ severity, total }) => (
                    <Stat key={severity} label={t.severities[severity]} value={total} />
                  ))}
                </SimpleGrid>
                <AlertsChart bySeverity={alerts.data.bySeverity} />
              </SimpleGrid>
              {alerts.data.latest.length === 0 ? (
                <Text size="sm">{t.electionNight.noAlerts}</Text>
              ) : (
                <Table.ScrollContainer minWidth={480}>
                  <Table striped captionSide="top" styles={{ caption: { color: 'var(--mantine-color-text)' } }}>
                    <Table.Caption>{t.electionNight.latestAlerts}</Table.Caption>
                    <Table.Tbody>
                      {alerts.data.latest.map((alert) => (
                        <Table.Tr key={alert.id}>
                          <Table.Td w={130}>
                            <Badge color={SEVERITY_COLORS[alert.severity]}>{t.severities[alert.severity]}</Badge>
                          </Table.Td>
                          <Table.Td>{alertMessage(alert)}</Table.Td>
                          <Table.Td>{t.electionNight.alertTerritory(alert.territory)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Stack>
          )}
        </section>
      )}
    </Stack>
  );
}
