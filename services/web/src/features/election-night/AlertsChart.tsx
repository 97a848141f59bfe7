import { SEVERITIES, type Severity } from '@castor/contracts';
import { parseThemeColor, useMantineTheme } from '@mantine/core';
import { useMemo } from 'react';
import { Chart, type ChartOption, chartNumber } from '../../components/Chart';
import { SEVERITY_COLORS } from '../../components/severity';
import { t } from '../../i18n/es-CO';

const count = new Intl.NumberFormat('es-CO');

/** Open alerts per severity as bars in the severities' badge colours (the figures beside it say the same). */
export function AlertsChart({ bySeverity }: { bySeverity: { severity: Severity; total: number }[] }) {
  const theme = useMantineTheme();
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: chartNumber },
      grid: { top: 16, left: 8, right: 8, bottom: 28 },
      xAxis: { type: 'category', data: bySeverity.map(({ severity }) => t.severities[severity]) },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: chartNumber } },
      series: [
        {
          type: 'bar',
          name: t.electionNight.alertsTitle,
          barMaxWidth: 48,
          data: bySeverity.map(({ severity, total }) => ({
            value: total,
            itemStyle: { color: parseThemeColor({ color: SEVERITY_COLORS[severity], theme }).value },
          })),
        },
      ],
    }),
    [bySeverity, theme],
  );
  const summary = t.electionNight.alertsChart.summary(
    SEVERITIES.map((severity) =>
      t.electionNight.alertsChart.part(
        t.severities[severity],
        count.format(bySeverity.find((item) => item.severity === severity)?.total ?? 0),
      ),
    ),
  );
  return <Chart option={option} label={t.electionNight.alertsChart.label} summary={summary} height={200} />;
}
