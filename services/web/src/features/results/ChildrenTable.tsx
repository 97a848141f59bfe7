import { type ResultsResponse, TERRITORY_LEVELS, type TerritoryLevel } from '@castor/contracts';
import { Anchor, Badge, Button, Group, Paper, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { type MouseEvent, memo, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { saveBlob } from '../../components/save-blob';
import { t } from '../../i18n/es-CO';
import {
  type ChildColumn,
  childColumns,
  childrenCsv,
  childrenCsvFilename,
  type SortDirection,
  sortChildren,
} from './children-columns';

const MESA_STATUS_COLORS = {
  // White text on Mantine's green.9 is under WCAG AA's 4.5:1; on teal.9 it passes.
  validated: 'teal.9',
  needs_review: 'yellow.4',
  failed_rules: 'red.9',
  disputed: '#b33d00',
} as const;

// Codes and numbers stay on one line; names may wrap, so the table fits without scrolling.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;
const NUMERIC = { whiteSpace: 'nowrap', textAlign: 'right' } as const;

/**
 * The rows are plain <tr>/<td> with the classes and attributes Table.Tr and Table.Td would give
 * them (striped, highlighted on hover, bordered, as the table below asks): a departamento has up
 * to ~130 municipios of 10 columns, and Mantine's per-cell components (style props, styles API,
 * context) were most of the time from its results arriving to the table on screen.
 */
const ROW_ATTRIBUTES = {
  className: Table.classes.tr,
  'data-striped': 'odd',
  'data-hover': true,
  'data-with-row-border': true,
} as const;

/** The level right below a territory's (a mesa has none). */
export const childLevelOf = (level: TerritoryLevel): TerritoryLevel | undefined =>
  TERRITORY_LEVELS[TERRITORY_LEVELS.indexOf(level) + 1];

function SortHeader({
  column,
  sort,
  onSort,
}: {
  column: ChildColumn;
  sort: { id: string; direction: SortDirection };
  onSort: (id: string) => void;
}) {
  const active = sort.id === column.id;
  const arrow = active ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : '';
  return (
    <Table.Th aria-sort={active ? sort.direction : 'none'} ta={column.numeric ? 'right' : undefined}>
      <UnstyledButton fz="sm" fw={700} onClick={() => onSort(column.id)}>
        {column.header}
        <span aria-hidden="true">{arrow}</span>
      </UnstyledButton>
    </Table.Th>
  );
}

/**
 * The territories right below one, sortable by any column; a row leads one level down (its name
 * is the link, for the keyboard), and pressing it starts loading that territory (`prefetch`). The
 * CSV export writes the rows in the order shown. Memoized: while the next territory loads, the
 * page re-renders with the same results, and a table of hundreds of rows is then left alone.
 */
export const ChildrenTable = memo(function ChildrenTable({
  results,
  linkTo,
  prefetch,
}: {
  results: ResultsResponse;
  linkTo: (code: string) => string;
  prefetch: (code: string) => void;
}) {
  const navigate = useNavigate();
  const columns = useMemo(() => childColumns(results), [results]);
  const [sort, setSort] = useState<{ id: string; direction: SortDirection }>({ id: 'code', direction: 'ascending' });
  const sortColumn = columns.find((column) => column.id === sort.id) ?? columns[0];
  const rows = useMemo(
    () => (sortColumn ? sortChildren(results.children, sortColumn, sort.direction) : results.children),
    [results.children, sortColumn, sort.direction],
  );
  const childLevel = childLevelOf(results.level);
  const onSort = (id: string) =>
    setSort((current) => ({
      id,
      direction: current.id === id && current.direction === 'ascending' ? 'descending' : 'ascending',
    }));
  const openRow = (event: MouseEvent, code: string) => {
    // The name's link navigates by itself.
    if (!(event.target instanceof Element && event.target.closest('a'))) void navigate(linkTo(code));
  };

  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="children-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5" id="children-title">
          {childLevel ? t.results.childrenTitle[childLevel] : ''}
        </Title>
        <Group gap="xs">
          <Text size="xs">{t.results.rowCount(rows.length)}</Text>
          <Button
            size="xs"
            variant="default"
            disabled={rows.length === 0}
            onClick={() => saveBlob(childrenCsv(columns, rows), childrenCsvFilename(results, childLevel))}
          >
            {t.results.exportTable}
          </Button>
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover withTableBorder verticalSpacing={4} fz="sm" stickyHeader>
          <Table.Thead>
            <Table.Tr>
              {columns.map((column) => (
                <SortHeader key={column.id} column={column} sort={sort} onSort={onSort} />
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((child) => (
              <tr
                key={child.code}
                {...ROW_ATTRIBUTES}
                onPointerDown={() => prefetch(child.code)}
                onClick={(event) => openRow(event, child.code)}
                style={{ cursor: 'pointer' }}
              >
                {columns.map((column) => (
                  <td
                    key={column.id}
                    className={Table.classes.td}
                    style={column.numeric ? NUMERIC : column.id === 'code' ? NO_WRAP : undefined}
                  >
                    {column.id === 'name' ? (
                      <Anchor component={Link} to={linkTo(child.code)} fz="sm">
                        {column.text(child)}
                      </Anchor>
                    ) : column.id === 'status' && child.mesaStatus ? (
                      <Badge
                        size="sm"
                        // A badge's label may shrink to an ellipsis; a table column sizes to that.
                        miw="max-content"
                        color={MESA_STATUS_COLORS[child.mesaStatus]}
                        autoContrast={child.mesaStatus === 'needs_review'}
                      >
                        {column.text(child)}
                      </Badge>
                    ) : (
                      column.text(child)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
});
