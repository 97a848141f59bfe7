import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { t } from '../../i18n/es-CO';
import { formatDateTime } from './format';
import { LEADS_PAGE, useLeads } from './queries';

/** The demo requests sent from the public site, newest first. */
export function LeadsPanel() {
  const [offset, setOffset] = useState(0);
  const leads = useLeads(offset);
  const words = t.admin.leads;

  if (leads.isPending) return <PageSkeleton />;
  if (leads.isError) return <ErrorMessage error={leads.error} onRetry={() => void leads.refetch()} />;
  const { leads: items, total } = leads.data;
  if (total === 0) return <EmptyState title={words.empty} hint={words.emptyHint} />;

  return (
    <Stack gap="sm">
      <Text size="sm">{words.showing(offset + 1, offset + items.length, total)}</Text>
      <Table.ScrollContainer minWidth={800}>
        <Table striped verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{words.columns.received}</Table.Th>
              <Table.Th>{words.columns.name}</Table.Th>
              <Table.Th>{words.columns.contact}</Table.Th>
              <Table.Th>{words.columns.organization}</Table.Th>
              <Table.Th>{words.columns.role}</Table.Th>
              <Table.Th>{words.columns.message}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((lead) => (
              <Table.Tr key={lead.id}>
                <Table.Td>{formatDateTime(lead.createdAt)}</Table.Td>
                <Table.Td>{lead.name}</Table.Td>
                <Table.Td>
                  {lead.email}
                  {lead.phone && <Text size="xs">{lead.phone}</Text>}
                </Table.Td>
                <Table.Td>{[lead.organization, lead.city].filter(Boolean).join(' · ')}</Table.Td>
                <Table.Td>{words.roles[lead.role]}</Table.Td>
                <Table.Td maw={360}>{lead.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group>
        <Button variant="default" size="xs" disabled={offset === 0} onClick={() => setOffset(offset - LEADS_PAGE)}>
          {words.previous}
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={offset + LEADS_PAGE >= total}
          onClick={() => setOffset(offset + LEADS_PAGE)}
        >
          {words.next}
        </Button>
      </Group>
    </Stack>
  );
}
