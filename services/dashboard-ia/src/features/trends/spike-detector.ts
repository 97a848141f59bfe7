import type { SpikeAlert, TrendWindow } from '@castor/contracts';
import { withTransaction } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { Counter, type Registry } from 'prom-client';
import type { NewSpikeAlert, TrendsRepository } from './trends.repository.js';
import { type TrendsService, WINDOWS } from './trends.service.js';

/** A debate night shows within the hour; a slower story within the day. */
const SPIKE_WINDOWS: readonly TrendWindow[] = ['1h', '24h'];
/** The window whose overall topics are stored in `topics`. */
const TOPICS_WINDOW: TrendWindow = '24h';
const TOPIC_LIMIT = 50;

/**
 * Spike alerts: after new posts are scored (debounced: an import's batches make one check) and on
 * a timer, the trends of every scope (overall and each candidate) in the windows ending now are
 * stored as alerts, each spike once, along with each candidate's total volume spiking. The overall
 * topics of the day replace the stored ones. Runs never overlap; a request during a run makes one more.
 */
export class SpikeDetector {
  private readonly detected: Counter<'kind'>;
  private scheduled: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly options: {
      pool: pg.Pool;
      trends: TrendsService;
      repository: TrendsRepository;
      metrics: Registry;
      log: FastifyBaseLogger;
      checkEveryMs: number;
      debounceMs: number;
    },
  ) {
    this.detected = new Counter({
      name: 'dashboard_spike_alerts_total',
      help: 'Spike alerts stored, by kind (term, hashtag, topic, or a candidate’s total volume)',
      labelNames: ['kind'] as const,
      registers: [options.metrics],
    });
  }

  /** Checks on the timer from now on. */
  start(): void {
    this.timer ??= setInterval(() => this.request(0), this.options.checkEveryMs).unref();
  }

  /** Asks for a check soon: requests within the debounce make one. */
  request(delayMs = this.options.debounceMs): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.running = this.detect(new Date())
        .then(() => undefined)
        .catch((error: unknown) => this.options.log.error({ err: error }, 'spike detection failed'))
        .finally(() => {
          this.running = undefined;
          if (this.again) {
            this.again = false;
            this.request();
          }
        });
    }, delayMs);
  }

  /** Resolves when no check is waiting or running (tests wait on it after an import). */
  async idle(): Promise<void> {
    while (this.scheduled || this.running) {
      if (this.running) await this.running;
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.scheduled);
    this.timer = undefined;
    this.scheduled = undefined;
    this.again = false;
    await this.running;
  }

  /** One check at `at`: stores and returns the new alerts. */
  async detect(at: Date): Promise<SpikeAlert[]> {
    const { trends, repository } = this.options;
    const scopes = [null, ...(await repository.candidates())];
    const alerts: NewSpikeAlert[] = [];
    let topics: Array<{ label: string; terms: string[]; posts: number }> | undefined;
    for (const window of SPIKE_WINDOWS) {
      const windowStart = new Date(at.getTime() - WINDOWS[window].lengthMs);
      for (const candidate of scopes) {
        const computed = await trends.compute({ candidate, window, at, includeBots: false, limit: TOPIC_LIMIT });
        if (candidate === null && window === TOPICS_WINDOW) topics = computed.topics;
        const base = { candidateId: candidate?.id ?? null, window, windowStart };
        for (const trend of computed.trends) {
          const { kind, term, volume, baseline, zScore, authors } = trend;
          alerts.push({ ...base, kind, term, volume, baseline, zScore, authors });
        }
        if (candidate !== null && computed.volume.isTrend) {
          const { volume, baseline, zScore, authors } = computed.volume;
          alerts.push({ ...base, kind: 'volume', term: candidate.slug, volume, baseline, zScore, authors });
        }
      }
    }
    const stored = await withTransaction(this.options.pool, async (client) => {
      if (topics) await repository.replaceTopics(client, topics);
      const inserted: SpikeAlert[] = [];
      for (const window of SPIKE_WINDOWS) {
        const ofWindow = alerts.filter((alert) => alert.window === window);
        inserted.push(...(await repository.insertSpikes(client, ofWindow, WINDOWS[window].lengthMs)));
      }
      return inserted;
    });
    for (const alert of stored) this.detected.inc({ kind: alert.kind });
    if (stored.length > 0) this.options.log.info({ spikes: stored.length }, 'spike alerts stored');
    return stored;
  }
}
