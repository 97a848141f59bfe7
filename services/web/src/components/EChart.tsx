import { useReducedMotion } from '@mantine/hooks';
import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, type EChartsType, init, registerLocale, use } from 'echarts/core';
import langES from 'echarts/lib/i18n/langES.js';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

/** The parts of ECharts the app's charts use, and no more (tree-shaken). */
export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

// SVG: a few dozen shapes per chart draw lighter than a canvas, stay sharp at any zoom and in screenshots.
use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);
registerLocale('ES', langES);

const FONT_FAMILY = getComputedStyle(document.documentElement).getPropertyValue('--mantine-font-family') || undefined;

interface EChartProps {
  option: ChartOption;
  label: string;
  describedBy: string;
  height: number;
}

/**
 * One ECharts instance on a div: created once, given each new option without animation (an
 * auto-refresh does not flicker), resized with its container, disposed on unmount.
 */
export default function EChart({ option, label, describedBy, height }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const reducedMotion = useReducedMotion(false, { getInitialValueInEffect: false });

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = init(element, null, { renderer: 'svg', locale: 'ES' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // The first drawing grows in (unless the person asked for less motion); later data replaces it at once.
    chart.current?.setOption(
      { textStyle: { fontFamily: FONT_FAMILY }, ...option, animation: !reducedMotion, animationDurationUpdate: 0 },
      { lazyUpdate: true },
    );
  }, [option, reducedMotion]);

  return (
    <div
      ref={container}
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      style={{ height, width: '100%' }}
    />
  );
}
