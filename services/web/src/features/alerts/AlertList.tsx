import { alertMessage } from '@castor/alert-wording';
import { ALERT_STATUSES, type Corporation, RULE_IDS, type RuleId, SEVERITIES, type Severity } from '@castor/contracts';
import { Anchor, Badge, Button, Group, Paper, Select, Table, Text } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import type { ElectionSummary } from '../../api/e14';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { SEVERITY_COLORS } from '../../components/severity';
import { t } from '../../i18n/es-CO';
import { STATUS_COLORS, UNTRUNCATED } from './badges';
import { type AlertFilters, type AlertStatus, PAGE_SIZE, useAlertList, useTerritoryChildren } from './queries';
import { evidenceLink } from './search-params';

const count = new Intl.NumberFormat('es-CO');
const dateTime = new Intl.DateTimeFormat('es-CO', { dateStyle: 'short', timeStyle: 'short' });

/** The filters' names in the URL. */
const FILTER = {
  election: 'eleccion',
  corporation: 'corporacion',
  severity: 'severidad',
  rule: 'regla',
  departamento: 'departamento',
  municipio: 'municipio',
  status: 'estado',
  offset: 'desde',
} as const;

const parsed = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined =>
  allowed.find((option) => option === value);

/** The alerts of an election, filtered on the server by severity, rule, territory, corporation and status. */
export function AlertList({ elections, election }: { elections: ElectionSummary[]; election: ElectionSummary }) {
  const [params, setParams] = useSearchParams();
  const corporation = parsed<Corporation>(params.get(FILTER.corporation), election.corporations);
  const departamento = params.get(FILTER.departamento) ?? '';
  const municipio = params.get(FILTER.municipio) ?? '';
  const filters: AlertFilters = {
    election: election.code,
    severity: parsed<Severity>(params.get(FILTER.severity), SEVERITIES),
    rule: parsed<RuleId>(params.get(FILTER.rule), RULE_IDS),
    territory: municipio.startsWith(`${departamento}-`) ? municipio : departamento || undefined,
    corporation,
    status: parsed<AlertStatus>(params.get(FILTER.status), ALERT_STATUSES),
    offset: Math.max(0, Number(params.get(FILTER.offset)) || 0),
  };
  const list = useAlertList(filters);
  // Territory names come from the results of the election's first corporation: the divipol is shared.
  const territoryCorporation = corporation ?? election.corporations[0];
  const departamentos = useTerritoryChildren(election.code, territoryCorporation, '');
  const municipios = useTerritoryChildren(departamento ? election.code : undefined, territoryCorporation, departamento);

  /** Sets one filter (and those that depend on it) and goes back to the first page. */
  const setFilter = (name: (typeof FILTER)[keyof typeof FILTER], value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name === FILTER.departamento || name === FILTER.election) next.delete(FILTER.municipio);
    if (name !== FILTER.offset) next.delete(FILTER.offset);
    setParams(next, { replace: true });
  };
  const anyFilter = [FILTER.severity, FILTER.rule, FILTER.departamento, FILTER.status, FILTER.corporation].some(
    (name) => params.has(name),
  );
  const any = { value: '', label: t.alerts.all };

  return (
    <>
      <Paper withBorder p="sm" radius="md">
        <Group align="flex-end" gap="sm">
          {elections.length > 1 && (
            <Select
              label={t.alerts.election}
              data={elections.map((item) => ({ value: item.code, label: item.name }))}
              value={election.code}
              onChange={(value) => setFilter(FILTER.election, value)}
              allowDeselect={false}
              w={200}
            />
          )}
          <Select
            label={t.alerts.severity}
            data={[any, ...[...SEVERITIES].reverse().map((value) => ({ value, label: t.severities[value] }))]}
            value={filters.severity ?? ''}
            onChange={(value) => setFilter(FILTER.severity, value)}
            allowDeselect={false}
            w={120}
          />
          <Select
            label={t.alerts.rule}
            data={[any, ...RULE_IDS.map((value) => ({ value, label: t.alerts.rules[value] }))]}
            value={filters.rule ?? ''}
            onChange={(value) => setFilter(FILTER.rule, value)}
            allowDeselect={false}
            searchable
            w={210}
          />
          <Select
            label={t.alerts.departamento}
            data={[{ value: '', label: t.alerts.allTerritories }, ...(departamentos.data ?? [])]}
            value={departamento}
            onChange={(value) => setFilter(FILTER.departamento, value)}
            allowDeselect={false}
            searchable
            w={170}
          />
          <Select
            label={t.alerts.municipio}
            data={[{ value: '', label: t.alerts.allMunicipios }, ...(municipios.data ?? [])]}
            value={municipio}
            onChange={(value) => setFilter(FILTER.municipio, value)}
            allowDeselect={false}
            searchable
            disabled={!departamento}
            w={170}
          />
          {election.corporations.length > 1 && (
            <Select
              label={t.alerts.corporation}
              data={[any, ...election.corporations.map((value) => ({ value, label: t.corporations[value] ?? value }))]}
              value={corporation ?? ''}
              onChange={(value) => setFilter(FILTER.corporation, value)}
              allowDeselect={false}
              w={130}
            />
          )}
          <Select
            label={t.alerts.status}
            data={[any, ...ALERT_STATUSES.map((value) => ({ value, label: t.alerts.statuses[value] }))]}
            value={filters.status ?? ''}
            onChange={(value) => setFilter(FILTER.status, value)}
            allowDeselect={false}
            w={120}
          />
          {anyFilter && (
            <Button variant="subtle" size="sm" onClick={() => setParams({}, { replace: true })}>
              {t.alerts.clearFilters}
            </Button>
          )}
        </Group>
      </Paper>

      {list.isPending && <PageSkeleton />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && list.data.items.length === 0 && <EmptyState title={t.alerts.empty} hint={t.alerts.emptyHint} />}
      {list.data && list.data.items.length > 0 && (
        <Paper withBorder radius="md" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          <Table.ScrollContainer minWidth={860}>
            <Table striped highlightOnHover verticalSpacing={4} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t.alerts.columns.severity}</Table.Th>
                  <Table.Th>{t.alerts.columns.territory}</Table.Th>
                  <Table.Th>{t.alerts.columns.rule}</Table.Th>
                  <Table.Th>{t.alerts.columns.message}</Table.Th>
                  <Table.Th>{t.alerts.columns.corporation}</Table.Th>
                  <Table.Th>{t.alerts.columns.status}</Table.Th>
                  <Table.Th>{t.alerts.columns.createdAt}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((alert) => (
                  <Table.Tr key={alert.id}>
                    <Table.Td>
                      <Badge color={SEVERITY_COLORS[alert.severity]} size="sm">
                        {t.severities[alert.severity]}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Anchor
                        component={Link}
                        to={evidenceLink(params, alert)}
                        ff="monospace"
                        fz="sm"
                        aria-label={t.alerts.openEvidence(alert.territory)}
                      >
                        {alert.territory}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t.alerts.rules[alert.rule]}</Table.Td>
                    <Table.Td>{alertMessage(alert)}</Table.Td>
                    <Table.Td>{t.corporations[alert.corporation] ?? alert.corporation}</Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLORS[alert.status]} variant="outline" size="sm" styles={UNTRUNCATED}>
                        {t.alerts.statuses[alert.status]}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime.format(new Date(alert.createdAt))}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" p="xs">
            <Text size="sm">
              {t.alerts.total(
                `${count.format(filters.offset + 1)}–${count.format(filters.offset + list.data.items.length)}`,
                count.format(list.data.total),
              )}
            </Text>
            <Group gap="xs">
              <Button
                size="xs"
                variant="default"
                disabled={filters.offset === 0}
                onClick={() => setFilter(FILTER.offset, String(Math.max(0, filters.offset - PAGE_SIZE)))}
              >
                {t.alerts.previous}
              </Button>
              <Button
                size="xs"
                variant="default"
                disabled={filters.offset + PAGE_SIZE >= list.data.total}
                onClick={() => setFilter(FILTER.offset, String(filters.offset + PAGE_SIZE))}
              >
                {t.alerts.next}
              </Button>
            </Group>
          </Group>
        </Paper>
      )}
    </>
  );
}
