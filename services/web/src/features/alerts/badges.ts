import type { AlertStatus } from './queries';

/** Open alerts draw the eye; decided ones step back. */
export const STATUS_COLORS: Record<AlertStatus, string> = {
  open: 'red.9',
  acknowledged: 'blue.9',
  resolved: 'gray.7',
};

/** A badge in a narrow table cell keeps its whole word: Mantine's label would shrink to an ellipsis. */
export const UNTRUNCATED = { label: { overflow: 'visible' } } as const;
