import { alertMessage, numberName } from '@castor/alert-wording';
import type { Alert as AlertRecord, ClaimsPacket } from '@castor/contracts';
import { Alert, Anchor, Badge, Grid, Group, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/http';
import { useSession } from '../../api/session';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { SEVERITY_COLORS } from '../../components/severity';
import { t } from '../../i18n/es-CO';
import { AuditTrail } from './AuditTrail';
import { STATUS_COLORS } from './badges';
import { CellMap } from './CellMap';
import { ClaimsPacketActions } from './ClaimsPacketActions';
import { canDecide, useAlert, useClaimsPacket } from './queries';
import { SourceComparison } from './SourceComparison';
import { StatusDecision } from './StatusDecision';
import { evidenceLink, listLink } from './search-params';

const count = new Intl.NumberFormat('es-CO');

function Section({ id, title, hint, children }: { id: string; title: string; hint?: string; children: ReactNode }) {
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby={id}>
      <Title order={3} size="h5" id={id} mb={hint ? 0 : 'xs'}>
        {title}
      </Title>
      {hint && (
        <Text size="xs" mb="xs" id={`${id}-hint`}>
          {hint}
        </Text>
      )}
      {children}
    </Paper>
  );
}

/** The rule that fired, what it says and the numbers it used. */
function RuleNumbers({ alert, packet }: { alert: AlertRecord; packet: ClaimsPacket | undefined }) {
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Badge color={SEVERITY_COLORS[alert.severity]}>{t.severities[alert.severity]}</Badge>
        <Badge color={STATUS_COLORS[alert.status]} variant="outline" data-testid="alert-status">
          {t.alerts.statuses[alert.status]}
        </Badge>
        <Text size="sm" fw={600}>
          {t.alerts.ruleVersion(t.alerts.rules[alert.rule], alert.ruleVersion)}
        </Text>
        <Text size="xs" ff="monospace">
          {alert.rule}
        </Text>
      </Group>
      <Text size="sm" data-testid="alert-message">
        {alertMessage(alert, packet?.comparedFields)}
      </Text>
      {Object.keys(alert.numbers).length > 0 && (
        <Table withTableBorder verticalSpacing={2} fz="sm" w="auto">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.alerts.number}</Table.Th>
              <Table.Th ta="right">{t.alerts.value}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {Object.entries(alert.numbers).map(([name, value]) => (
              <Table.Tr key={name}>
                <Table.Td>{numberName(name)}</Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {value === null ? '—' : count.format(value)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {alert.statusReason && alert.statusBy && (
        <Text size="sm">{t.alerts.statusBy(t.alerts.statuses[alert.status], alert.statusBy, alert.statusReason)}</Text>
      )}
    </Stack>
  );
}

/** The mesa's other alerts, each a link to its own evidence. */
function OtherAlerts({ packet, alert }: { packet: ClaimsPacket; alert: AlertRecord }) {
  const [params] = useSearchParams();
  const others = packet.discrepancies.filter((other) => other.id !== alert.id);
  if (others.length === 0) return null;
  return (
    <Section id="other-alerts" title={t.alerts.otherAlerts}>
      <Stack gap={4}>
        {others.map((other) => (
          <Group key={other.id} gap="xs" wrap="nowrap">
            <Badge size="xs" color={SEVERITY_COLORS[other.severity]} style={{ flexShrink: 0 }}>
              {t.severities[other.severity]}
            </Badge>
            <Anchor component={Link} to={evidenceLink(params, other)} size="sm">
              {t.alerts.rules[other.rule]}
            </Anchor>
            <Text size="sm" truncate>
              {other.description}
            </Text>
          </Group>
        ))}
      </Stack>
    </Section>
  );
}

/** The evidence of one alert: its rule and numbers, the mesa's sources side by side, cells, audit trail, packet. */
export function AlertEvidence({ alertId }: { alertId: string }) {
  const role = useSession()?.user.role ?? 'viewer';
  const [params] = useSearchParams();
  const found = useAlert(alertId);
  const alert = found.data;
  const packet = useClaimsPacket(alert?.electionCode ?? '', alert?.corporation ?? 'PRESIDENTE', alert?.mesaKey ?? null);
  const back = (
    <Anchor component={Link} to={listLink(params)} size="sm">
      ← {t.alerts.backToList}
    </Anchor>
  );

  if (found.isPending) return <PageSkeleton />;
  // A shared link whose id is not an alert's (or not an id at all) says so, with the way back.
  if (found.error instanceof ApiError && ['ALERT_UNKNOWN', 'VALIDATION_FAILED'].includes(found.error.code))
    return <EmptyState title={t.alerts.alertUnknown} action={back} />;
  if (!alert) return <ErrorMessage error={found.error} onRetry={() => void found.refetch()} />;
  const mesa = packet.data?.mesa;

  return (
    <Stack gap="sm">
      {back}
      <div>
        <Title order={2}>
          {alert.mesaKey ? t.alerts.evidenceTitle(alert.mesaKey) : t.alerts.territoryTitle(alert.territory)}
        </Title>
        {mesa && (
          <Text size="sm">
            {t.alerts.place(mesa.departamento.name, mesa.municipio.name, mesa.zona, mesa.puesto.name, mesa.mesa)} ·{' '}
            {t.alerts.habilitados(count.format(mesa.habilitados))} · {t.corporations[alert.corporation]}
          </Text>
        )}
      </div>
      <Alert color="blue" variant="light" p="xs">
        {t.alerts.leadNotProof}
      </Alert>
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Section id="rule" title={t.alerts.ruleTitle}>
            <RuleNumbers alert={alert} packet={packet.data} />
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="sm">
            <Section id="decide" title={t.alerts.decideTitle}>
              {canDecide(role) ? <StatusDecision alert={alert} /> : <Text size="sm">{t.alerts.readOnly}</Text>}
            </Section>
            <Section id="packet" title={t.alerts.packetTitle} hint={t.alerts.packetHint}>
              {packet.data ? (
                <ClaimsPacketActions packet={packet.data} />
              ) : alert.mesaKey ? (
                <Skeleton height={30} />
              ) : (
                <Text size="sm">{t.alerts.noMesa}</Text>
              )}
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
      {packet.isError && <ErrorMessage error={packet.error} onRetry={() => void packet.refetch()} />}
      {alert.mesaKey && packet.isPending && <PageSkeleton />}
      {packet.data && (
        <>
          <Section id="sources" title={t.alerts.sourcesTitle} hint={t.alerts.sourcesHint}>
            <SourceComparison packet={packet.data} alert={alert} />
          </Section>
          <Section id="cells" title={t.alerts.cellsTitle} hint={t.alerts.cellsHint}>
            <CellMap packet={packet.data} alert={alert} />
          </Section>
          <OtherAlerts packet={packet.data} alert={alert} />
          <Section id="audit" title={t.alerts.auditTitle}>
            <AuditTrail packet={packet.data} />
          </Section>
        </>
      )}
    </Stack>
  );
}
