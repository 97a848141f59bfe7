import { Skeleton, Text } from '@mantine/core';
import { lazy, Suspense, useId } from 'react';
import type { ChartOption } from './EChart';

export type { ChartOption } from './EChart';

const count = new Intl.NumberFormat('es-CO');

/** A number on an axis or in a tooltip as the rest of the page writes it (ECharts groups with commas). */
export const chartNumber = (value: unknown) => count.format(Number(value));

// ECharts is the heaviest library of the app: loaded when a chart first shows, never on sign-in,
// and after the numbers of a page are on screen.
const EChart = lazy(() => import('./EChart'));

interface ChartProps {
  option: ChartOption;
  /** What the chart shows, read as the image's name. */
  label: string;
  /** What it says in one or two sentences: shown under it, and its description for screen readers. */
  summary: string;
  height: number;
}

/**
 * A chart (an ECharts option) as an accessible image: named by `label`, described by `summary`,
 * sized to its container's width. Pages keep a table or figures with the same numbers beside it.
 */
export function Chart({ option, label, summary, height }: ChartProps) {
  const summaryId = useId();
  return (
    <figure style={{ margin: 0 }}>
      <Suspense fallback={<Skeleton height={height} radius="md" />}>
        <EChart option={option} label={label} describedBy={summaryId} height={height} />
      </Suspense>
      <Text component="figcaption" size="xs" mt={4} id={summaryId}>
        {summary}
      </Text>
    </figure>
  );
}
