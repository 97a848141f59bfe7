import type { ClaimsPacket } from '@castor/contracts';
import { Table, Text } from '@mantine/core';
import { t } from '../../i18n/es-CO';

const dateTime = new Intl.DateTimeFormat('es-CO', { dateStyle: 'short', timeStyle: 'medium' });
const shortHash = (hash: string) => `${hash.slice(0, 12)}…`;

/** The mesa's entries in the hash-chained audit log, and the chain head they can be verified against. */
export function AuditTrail({ packet }: { packet: ClaimsPacket }) {
  const columns = t.alerts.auditColumns;
  return (
    <>
      {packet.auditTrail.length === 0 ? (
        <Text size="sm">{t.alerts.noAudit}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped verticalSpacing={2} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{columns.seq}</Table.Th>
                <Table.Th>{columns.at}</Table.Th>
                <Table.Th>{columns.actor}</Table.Th>
                <Table.Th>{columns.action}</Table.Th>
                <Table.Th>{columns.entity}</Table.Th>
                <Table.Th>{columns.hash}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {packet.auditTrail.map((entry) => (
                <Table.Tr key={entry.seq}>
                  <Table.Td ff="monospace">{entry.seq}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime.format(new Date(entry.at))}</Table.Td>
                  <Table.Td>{entry.actor}</Table.Td>
                  <Table.Td ff="monospace">{entry.action}</Table.Td>
                  <Table.Td ff="monospace">
                    {entry.entity} {entry.entityId}
                  </Table.Td>
                  <Table.Td ff="monospace" title={entry.hash}>
                    {shortHash(entry.hash)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Text size="xs" ff="monospace" mt={4}>
        {t.alerts.auditHead(packet.auditHead.seq, shortHash(packet.auditHead.hash))}
      </Text>
    </>
  );
}
