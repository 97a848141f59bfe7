import type { CampaignCandidate } from '@castor/contracts';
import { Select, Switch } from '@mantine/core';
import { t } from '../i18n/es-CO';
import { READABLE_DESCRIPTION } from './readable-description';

export const PERIOD_DAYS = ['7', '14', '30', '90'] as const;
export type PeriodDays = (typeof PERIOD_DAYS)[number];

const HOUR_MS = 3_600_000;

/**
 * The last `days` days up to the end of the current hour: the same period (and query key) for an
 * hour, so moving between pages reuses what was fetched, and the posts of this hour are in it.
 */
export function periodOf(days: PeriodDays, now = Date.now()): { from: string; to: string } {
  const to = Math.ceil(now / HOUR_MS) * HOUR_MS;
  return { from: new Date(to - Number(days) * 24 * HOUR_MS).toISOString(), to: new Date(to).toISOString() };
}

export function PeriodSelect({ value, onChange }: { value: PeriodDays; onChange: (days: PeriodDays) => void }) {
  return (
    <Select
      label={t.dashboard.period}
      data={PERIOD_DAYS.map((days) => ({ value: days, label: t.dashboard.periods[days] }))}
      value={value}
      onChange={(days) => days && onChange(days as PeriodDays)}
      allowDeselect={false}
      w={180}
    />
  );
}

/** The followed candidates, the campaign's own marked; with `all`, an empty choice meaning every candidate. */
export function CandidateSelect({
  candidates,
  value,
  onChange,
  all = false,
}: {
  candidates: readonly CampaignCandidate[];
  value: string | null;
  onChange: (slug: string | null) => void;
  all?: boolean;
}) {
  const options = candidates.map((candidate) => ({
    value: candidate.slug,
    label: candidate.own ? `${candidate.name} (${t.dashboard.ownCandidate})` : candidate.name,
  }));
  return (
    <Select
      label={t.dashboard.candidate}
      data={all ? [{ value: '', label: t.dashboard.allCandidates }, ...options] : options}
      value={value ?? ''}
      onChange={(slug) => onChange(slug || null)}
      allowDeselect={false}
      w={240}
    />
  );
}

/** "Sin bots": leaves suspected bots' posts out of the figures. */
export function WithoutBotsSwitch({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <Switch
      label={t.dashboard.withoutBots}
      description={t.dashboard.withoutBotsHint}
      styles={READABLE_DESCRIPTION}
      checked={checked}
      onChange={(event) => onChange(event.currentTarget.checked)}
    />
  );
}
