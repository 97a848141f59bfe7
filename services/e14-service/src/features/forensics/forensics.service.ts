import type { Corporation } from '@castor/contracts';
import { fingerprint } from '../../domain/forensic-stats.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import type { FingerprintMesa, ForensicsRepository } from './forensics.repository.js';

export interface ForensicsServiceDeps {
  repository: Pick<ForensicsRepository, 'fingerprintMesas'>;
  catalogs: Pick<ElectionCatalogs, 'requireElection'>;
}

/** The option with the most votes over all the mesas, or null when none has a row. */
function winnerOf(mesas: readonly FingerprintMesa[]): number | null {
  const totals = new Map<number, number>();
  for (const mesa of mesas)
    mesa.candidateIds.forEach((id, index) => {
      totals.set(id, (totals.get(id) ?? 0) + (mesa.votes[index] ?? 0));
    });
  return [...totals.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Turnout and the winner's share of each mesa with habilitados, an E-11 and votes. */
function turnoutAndShare(mesas: readonly FingerprintMesa[], winner: number | null) {
  return mesas.flatMap((mesa) => {
    const total = mesa.votes.reduce<number>((sum, value) => sum + (value ?? 0), 0);
    if (mesa.habilitados === 0 || mesa.sufragantes === null || total === 0) return [];
    const index = winner === null ? -1 : mesa.candidateIds.indexOf(winner);
    return [{ turnout: mesa.sufragantes / mesa.habilitados, share: index < 0 ? 0 : (mesa.votes[index] ?? 0) / total }];
  });
}

/** The forensic views of the dashboard, read from the reconciled mesas. */
export class ForensicsService {
  constructor(private readonly deps: ForensicsServiceDeps) {}

  /** Turnout × winner-share histogram (Klimek et al. 2012) of a territory's reconciled mesas. */
  async fingerprint(electionCode: string, corporation: Corporation, territory: string, bins: number) {
    const catalog = await this.deps.catalogs.requireElection(electionCode);
    const mesas = await this.deps.repository.fingerprintMesas(catalog.id, corporation, territory);
    const winner = winnerOf(mesas);
    const points = turnoutAndShare(mesas, winner);
    return { winnerCandidateId: winner, bins, mesas: points.length, histogram: fingerprint(points, bins) };
  }
}
