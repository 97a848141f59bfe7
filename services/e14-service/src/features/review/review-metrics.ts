import { Gauge, Histogram, type Registry } from 'prom-client';
import type { ReviewRepository } from './review.repository.js';

/** Prometheus metrics of the review desk, on the app's registry. */
export class ReviewMetrics {
  readonly turnaround: Histogram<'resolution'>;

  constructor(registry: Registry, repository: Pick<ReviewRepository, 'backlog'>) {
    const registers = [registry];
    this.turnaround = new Histogram({
      name: 'e14_review_turnaround_seconds',
      help: 'From a review task created to its closing, by resolution (consensus of two reviewers, or admin)',
      labelNames: ['resolution'] as const,
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400],
      registers,
    });
    new Gauge({
      name: 'e14_review_backlog',
      help: 'Open review tasks by status (pending: waiting for entries; escalated: waiting for an admin)',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        const backlog = await repository.backlog();
        this.set({ status: 'pending' }, backlog.pending);
        this.set({ status: 'escalated' }, backlog.escalated);
      },
    });
  }
}
