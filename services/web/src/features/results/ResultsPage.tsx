import type { Corporation, ResultsResponse } from '@castor/contracts';
import { territoryCodeSchema } from '@castor/contracts';
import {
  Anchor,
  Breadcrumbs,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ElectionSummary } from '../../api/e14';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageSkeleton } from '../../components/PageSkeleton';
import { saveBlob } from '../../components/save-blob';
import { useElections } from '../../components/use-elections';
import { t } from '../../i18n/es-CO';
import { ChildrenTable } from './ChildrenTable';
import { ancestorsOf, fetchResultsCsv, useAncestorNames, usePrefetchTerritory, useTerritoryResults } from './queries';
import { VotesChart } from './VotesChart';

const count = new Intl.NumberFormat('es-CO');
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });
const time = new Intl.DateTimeFormat('es-CO', { timeStyle: 'medium' });

/** The page's state in the URL, so a territory's results can be shared as a link. */
const PARAM = { election: 'eleccion', corporation: 'corporacion', territory: 'territorio' } as const;

function Figure({ label, value, of }: { label: string; value: number; of?: number }) {
  return (
    <Paper withBorder p="xs" radius="md">
      <Text size="xs" fw={500}>
        {label}
      </Text>
      <Text fz="lg" fw={700} data-testid="figure">
        {count.format(value)}
      </Text>
      {of !== undefined && (
        <Text size="xs">{t.results.ofExpected(of > 0 ? percent.format(value / of) : percent.format(0))}</Text>
      )}
    </Paper>
  );
}

/** Mesas expected, reported, validated, under review, failing rules and disputed; voters and turnout. */
function Coverage({ results }: { results: ResultsResponse }) {
  const { coverage, totals } = results;
  const expected = coverage.mesasExpected;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4, lg: 8 }} spacing="xs" component="section" aria-label={t.results.coverageTitle}>
      <Figure label={t.results.coverage.expected} value={expected} />
      <Figure label={t.results.coverage.in} value={coverage.mesasIn} of={expected} />
      <Figure label={t.results.coverage.validated} value={coverage.mesasValidated} of={expected} />
      <Figure label={t.results.coverage.needsReview} value={coverage.mesasNeedsReview} of={expected} />
      <Figure label={t.results.coverage.failedRules} value={coverage.mesasFailedRules} of={expected} />
      <Figure label={t.results.coverage.disputed} value={coverage.mesasDisputed} of={expected} />
      <Figure label={t.results.coverage.voters} value={totals.sufragantes} />
      <Paper withBorder p="xs" radius="md">
        <Text size="xs" fw={500}>
          {t.results.coverage.turnout}
        </Text>
        <Text fz="lg" fw={700}>
          {totals.turnout === null ? '—' : percent.format(totals.turnout)}
        </Text>
      </Paper>
    </SimpleGrid>
  );
}

/** Votes per list (corporations voted by list) or per candidate, then blancos, nulos and no marcados. */
function Votes({ results }: { results: ResultsResponse }) {
  const byList = results.lists.length > 0;
  const rows = byList
    ? results.lists.map((list) => ({ key: `list-${list.listId}`, ...list }))
    : results.options.map((option) => ({ key: `candidate-${option.candidateId}`, ...option }));
  // Cámara lists run per departamento: at nacional the same party shows once per circunscripción.
  const manyCircunscripciones = new Set(rows.map((row) => row.circunscripcion)).size > 1;
  const download = useMutation({
    mutationFn: async () => {
      const blob = await fetchResultsCsv(results.electionCode, results.corporation, results.territory.code);
      saveBlob(
        blob,
        `resultados-${results.electionCode}-${results.corporation}-${results.territory.code || 'nacional'}.csv`,
      );
    },
  });
  const special = [
    [t.results.blancos, results.totals.blancos],
    [t.results.nulos, results.totals.nulos],
    [t.results.noMarcados, results.totals.noMarcados],
  ] as const;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="votes-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5" id="votes-title">
          {byList ? t.results.votesByList : t.results.votesByCandidate}
        </Title>
        <Button size="xs" variant="default" loading={download.isPending} onClick={() => download.mutate()}>
          {t.results.downloadVotes}
        </Button>
      </Group>
      {download.isError && <ErrorMessage error={download.error} />}
      <Table.ScrollContainer minWidth={480}>
        <Table striped withTableBorder verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.results.columns.ballot}</Table.Th>
              <Table.Th>{byList ? t.results.columns.list : t.results.columns.candidate}</Table.Th>
              {manyCircunscripciones && <Table.Th>{t.results.columns.circunscripcion}</Table.Th>}
              <Table.Th ta="right">{t.results.columns.votes}</Table.Th>
              <Table.Th ta="right">%</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.key}>
                <Table.Td>{row.ballotNumber}</Table.Td>
                <Table.Td>{row.name}</Table.Td>
                {manyCircunscripciones && <Table.Td>{row.circunscripcion}</Table.Td>}
                <Table.Td ta="right">{count.format(row.votes)}</Table.Td>
                <Table.Td ta="right">{percent.format(row.share)}</Table.Td>
              </Table.Tr>
            ))}
            {special.map(([label, votes]) => (
              <Table.Tr key={label}>
                <Table.Td />
                <Table.Td fs="italic">{label}</Table.Td>
                {manyCircunscripciones && <Table.Td />}
                <Table.Td ta="right">{count.format(votes)}</Table.Td>
                <Table.Td />
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** The territory's place: nacional down to it, each a link back up. */
function TerritoryPath({
  results,
  election,
  corporation,
  linkTo,
}: {
  results: ResultsResponse;
  election: string;
  corporation: Corporation;
  linkTo: (code: string) => string;
}) {
  const codes = ancestorsOf(results.territory.code);
  const names = useAncestorNames(election, corporation, results.territory.code);
  return (
    <nav aria-label={t.results.breadcrumbs}>
      <Breadcrumbs separator="›" fz="sm">
        {codes.map((code, depth) => (
          <Anchor key={code || 'nacional'} component={Link} to={linkTo(code)} fz="sm">
            {code === '' ? t.results.levels.nacional : (names[depth]?.data ?? code)}
          </Anchor>
        ))}
        <Text span fz="sm" fw={700} aria-current="page">
          {results.territory.code === '' ? t.results.levels.nacional : results.territory.name}
        </Text>
      </Breadcrumbs>
    </nav>
  );
}

function TerritoryResults({
  elections,
  election,
  corporation,
  territory,
}: {
  elections: ElectionSummary[];
  election: ElectionSummary;
  corporation: Corporation;
  territory: string;
}) {
  const [params, setParams] = useSearchParams();
  const results = useTerritoryResults(election.code, corporation, territory);
  const prefetch = usePrefetchTerritory(election.code, corporation);
  // The same function while only the territory changes, so the memoized children table is not redrawn.
  const otherParams = new URLSearchParams([...params].filter(([name]) => name !== PARAM.territory)).toString();
  const linkTo = useCallback(
    (code: string) => {
      const next = new URLSearchParams(otherParams);
      if (code) next.set(PARAM.territory, code);
      return `?${next.toString()}`;
    },
    [otherParams],
  );
  const choose = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    if (name === PARAM.election) next.delete(PARAM.corporation);
    setParams(next);
  };
  const data = results.data;
  // While the next territory loads the previous one stays on screen, dimmed, so nothing jumps.
  const stale = results.isPlaceholderData;

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{t.results.title}</Title>
          <Text size="sm">
            {data ? t.results.updatedAt(time.format(new Date(data.generatedAt))) : t.states.loading}
            {' · '}
            {t.results.source}
          </Text>
        </div>
        <Group align="flex-end" gap="sm">
          {elections.length > 1 && (
            <Select
              label={t.results.election}
              data={elections.map((item) => ({ value: item.code, label: item.name }))}
              value={election.code}
              onChange={(value) => choose(PARAM.election, value)}
              allowDeselect={false}
              w={200}
            />
          )}
          <Select
            label={t.results.corporation}
            data={election.corporations.map((item) => ({ value: item, label: t.corporations[item] ?? item }))}
            value={corporation}
            onChange={(value) => choose(PARAM.corporation, value)}
            allowDeselect={false}
            w={180}
          />
        </Group>
      </Group>

      {results.isError && !data && <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />}
      {results.isPending && <PageSkeleton />}
      {data && (
        <Stack gap="sm" aria-busy={stale} style={{ opacity: stale ? 0.6 : 1 }}>
          <TerritoryPath results={data} election={election.code} corporation={corporation} linkTo={linkTo} />
          <Title order={3} size="h4">
            {t.results.territoryTitle(
              t.results.levels[data.level],
              data.territory.code === '' ? t.results.country : data.territory.name,
              data.territory.code,
            )}
          </Title>
          <Coverage results={data} />
          {data.level === 'mesa' ? (
            <Text size="sm">{t.results.mesaHasNoChildren}</Text>
          ) : (
            // Keyed by the results shown, not the URL: a new table (and sort) once they arrive.
            <ChildrenTable
              key={`${data.corporation}-${data.territory.code}`}
              results={data}
              linkTo={linkTo}
              prefetch={prefetch}
            />
          )}
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
            <Votes results={data} />
            <VotesChart results={data} />
          </SimpleGrid>
        </Stack>
      )}
    </Stack>
  );
}

/**
 * Results by territory, from reconciled truth: nacional down to a mesa, per corporación, with
 * coverage and disputes at each level. Election, corporación and territory live in the URL.
 */
export default function ResultsPage() {
  const [params] = useSearchParams();
  const elections = useElections();
  const election = elections.data?.find((item) => item.code === params.get(PARAM.election)) ?? elections.data?.[0];
  const chosen = params.get(PARAM.corporation);
  const corporation = election?.corporations.find((item) => item === chosen) ?? election?.corporations[0];
  const territory = territoryCodeSchema.safeParse(params.get(PARAM.territory) ?? '');

  if (elections.isPending) return <PageSkeleton />;
  if (elections.isError) return <ErrorMessage error={elections.error} onRetry={() => void elections.refetch()} />;
  if (!election || !corporation) {
    return <EmptyState title={t.electionNight.noElections} hint={t.electionNight.noElectionsHint} />;
  }
  if (!territory.success) return <EmptyState title={t.results.badTerritory} />;
  return (
    <TerritoryResults
      elections={elections.data}
      election={election}
      corporation={corporation}
      territory={territory.data}
    />
  );
}
