import { Paper, SimpleGrid, Skeleton, Text } from '@mantine/core';
import { t } from '../../i18n/es-CO';
import { useMyActivity } from './queries';

const integer = new Intl.NumberFormat('es-CO');
const decimal = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 0 });

/** The reviewer's own throughput and accuracy, from the API: only their numbers, never another reviewer's. */
export function MyStats() {
  const activity = useMyActivity();
  if (activity.isPending) return <Skeleton h={96} radius="md" />;
  if (activity.isError) return <Text size="xs">{t.review.mine.failed}</Text>;
  const { entries, lastHour, perMinute, judged, agreed, accuracy, skipped } = activity.data;
  const perMinuteAverage = perMinute.reduce((sum, count) => sum + count, 0) / perMinute.length;
  const items: Array<[string, string]> = [
    [t.review.mine.entries, integer.format(entries)],
    [t.review.mine.lastHour, integer.format(lastHour)],
    [t.review.mine.perMinute, decimal.format(perMinuteAverage)],
    [t.review.mine.accuracy, accuracy === null ? '—' : percent.format(accuracy)],
    [t.review.mine.skipped, integer.format(skipped)],
  ];
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="review-mine">
      <Text size="xs" fw={600} tt="uppercase" id="review-mine">
        {t.review.mine.title}
      </Text>
      <SimpleGrid component="dl" cols={{ base: 3, xs: 5 }} spacing="xs" mt={4} mb={0}>
        {items.map(([label, value]) => (
          <div key={label}>
            <Text component="dt" size="xs">
              {label}
            </Text>
            <Text component="dd" fz={22} fw={700} lh={1.2} m={0}>
              {value}
            </Text>
          </div>
        ))}
      </SimpleGrid>
      <Text size="xs" mt="xs">
        {t.review.mine.accuracyHint(agreed, judged)}
      </Text>
    </Paper>
  );
}
