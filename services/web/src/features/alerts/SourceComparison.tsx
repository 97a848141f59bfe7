import { fieldName } from '@castor/alert-wording';
import type { Alert, ClaimsPacket } from '@castor/contracts';
import { Badge, Group, Switch, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { t } from '../../i18n/es-CO';
import { alertFieldsIn } from './alert-fields';
import { UNTRUNCATED } from './badges';

const count = new Intl.NumberFormat('es-CO');

interface Source {
  key: string;
  label: string;
  isTruth: boolean;
  numbers: Record<string, number | null>;
}

/** Every source of the mesa as a column: the versions received, then the official feeds. */
function sourcesOf(packet: ClaimsPacket): Source[] {
  return [
    ...packet.versions.map((version) => ({
      key: `form-${version.formId}`,
      label: t.alerts.version(version.source, version.copy, version.version),
      isTruth: packet.truth?.formId === version.formId,
      numbers: version.numbers,
    })),
    ...packet.official.map((row) => ({
      key: `official-${row.source}`,
      label: t.alerts.official(row.source),
      isTruth: false,
      numbers: row.numbers,
    })),
  ];
}

/**
 * Whether a row of the comparison is one the alert is about: its numbers name it, one of its field
 * paths ends with it ("nivelacion.urna" is the row "urna"), or the packet links a field it compares
 * to the row ("candidate:7" is the row "votes.3-1").
 */
function inAlert(alert: Alert, rows: ReadonlySet<string>, key: string): boolean {
  return (
    key in alert.numbers ||
    rows.has(key) ||
    alert.evidence.fields.some((field) => field === key || field.endsWith(`.${key}`))
  );
}

/**
 * A row's values, whether the sources that have one disagree (a source without the number, such
 * as an official feed without the urna, is no disagreement), and the most common value.
 */
function compare(sources: Source[], key: string) {
  const values = sources.map((source) => source.numbers[key]);
  const tally = new Map<number, number>();
  for (const value of values) if (value !== undefined && value !== null) tally.set(value, (tally.get(value) ?? 0) + 1);
  const common = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { values, differs: tally.size > 1, common };
}

/**
 * The mesa's sources side by side, one row per number. A row where the sources disagree is
 * marked, and in it every value other than the most common one is highlighted.
 */
export function SourceComparison({ packet, alert }: { packet: ClaimsPacket; alert: Alert }) {
  const sources = sourcesOf(packet);
  const keys = [...new Set(sources.flatMap((source) => Object.keys(source.numbers)))];
  const { rows } = alertFieldsIn(packet, alert);
  // The rows worth a look first: a sheet has a row per candidate, most of them agreeing.
  const notable = keys.filter((key) => compare(sources, key).differs || inAlert(alert, rows, key));
  const [showAll, setShowAll] = useState(notable.length === 0);
  const shown = showAll ? keys : notable;
  if (sources.length === 0) return <Text size="sm">{t.alerts.noSources}</Text>;
  return (
    <>
      <Switch
        size="xs"
        mb="xs"
        label={t.alerts.showAgreeing(keys.length - notable.length)}
        checked={showAll}
        onChange={(event) => setShowAll(event.currentTarget.checked)}
      />
      <Table.ScrollContainer minWidth={200 + sources.length * 140}>
        <Table withTableBorder withColumnBorders verticalSpacing={2} fz="sm" aria-describedby="sources-hint">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t.alerts.field}</Table.Th>
              {sources.map((source) => (
                <Table.Th scope="col" key={source.key} ta="right">
                  {source.label}
                  {source.isTruth && (
                    <Badge size="xs" variant="outline" color="teal.9" ml={4}>
                      {t.alerts.truth}
                    </Badge>
                  )}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((key) => {
              const { values, differs, common } = compare(sources, key);
              return (
                <Table.Tr key={key} data-differs={differs || undefined}>
                  <Table.Th scope="row" fw={500} style={{ whiteSpace: 'nowrap' }}>
                    <Group gap={4} wrap="nowrap">
                      <span title={key}>{fieldName(key)}</span>
                      {differs && (
                        <Badge size="xs" color="red.9" styles={UNTRUNCATED}>
                          {t.alerts.differs}
                        </Badge>
                      )}
                      {inAlert(alert, rows, key) && (
                        <Badge size="xs" color="dark" variant="outline" styles={UNTRUNCATED}>
                          {t.alerts.inAlert}
                        </Badge>
                      )}
                    </Group>
                  </Table.Th>
                  {sources.map((source, index) => {
                    const value = values[index];
                    const odd = differs && value !== undefined && value !== null && value !== common;
                    return (
                      <Table.Td
                        key={source.key}
                        ta="right"
                        ff="monospace"
                        bg={odd ? 'red.1' : differs ? 'yellow.0' : undefined}
                        fw={odd ? 700 : undefined}
                      >
                        {value === undefined || value === null ? '—' : count.format(value)}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
