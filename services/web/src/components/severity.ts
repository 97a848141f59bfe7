import type { Severity } from '@castor/contracts';

/** The badge colour of each alert severity, the same on every page. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: 'red.9',
  // Mantine's darkest orange (orange.9) gives white text 4.3:1, under WCAG AA's 4.5:1.
  high: '#b33d00',
  warning: 'yellow.4',
  info: 'gray.7',
};
