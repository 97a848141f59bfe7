import type { Role } from '@castor/contracts';
import { Alert, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { XBudget, XReadWindow } from '../../api/dashboard';
import { formatCount, formatDateTime } from '../../components/conversation-format';
import { ErrorMessage } from '../../components/ErrorMessage';
import { t } from '../../i18n/es-CO';
import { useXBudget } from './queries';

const money = (currency: string) =>
  new Intl.NumberFormat('es-CO', { style: 'currency', currency, maximumFractionDigits: 2 });

function Window({ label, window, currency }: { label: string; window: XReadWindow; currency: string }) {
  const spent = window.limit > 0 ? ((window.used + window.reserved) / window.limit) * 100 : 0;
  const usd = money(currency);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Progress value={Math.min(100, spent)} size="md" aria-label={`${t.xBudget.title}: ${label}`} />
      <Text size="sm">{t.xBudget.used(formatCount(window.used), formatCount(window.limit))}</Text>
      <Text size="sm">{t.xBudget.left(formatCount(window.remaining))}</Text>
      <Text size="xs">{t.xBudget.cost(usd.format(window.costUsd), usd.format(window.remainingCostUsd))}</Text>
      <Text size="xs">{t.xBudget.resets(formatDateTime(window.resetsAt))}</Text>
    </Stack>
  );
}

function Gauge({ budget }: { budget: XBudget }) {
  return (
    <Stack gap="sm">
      {!budget.configured && (
        <Alert color="blue" variant="light" p="xs">
          <Text size="sm">{t.xBudget.notConfigured}</Text>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <Window label={t.xBudget.day} window={budget.day} currency={budget.currency} />
        <Window label={t.xBudget.month} window={budget.month} currency={budget.currency} />
      </SimpleGrid>
    </Stack>
  );
}

/** What reading X has used and has left today and this month, and what it cost (admins and analysts). */
export function XBudgetCard({ role }: { role: Role }) {
  const budget = useXBudget(role);
  if (!budget.isEnabled) return null;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="x-budget-title">
      <Title order={3} size="h5" id="x-budget-title" mb="xs">
        {t.xBudget.title}
      </Title>
      {budget.isError && <ErrorMessage error={budget.error} />}
      {budget.data && <Gauge budget={budget.data} />}
    </Paper>
  );
}
