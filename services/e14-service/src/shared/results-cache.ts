import type { KeyValueStore } from '@castor/service-kit';

const VERSION_TTL_SECONDS = 30 * 86_400;

/**
 * Results answers cached in Redis (or the in-process store) under a per election+corporation
 * version number. A change bumps the version, so every cached answer of that corporation is
 * skipped at once without scanning keys; stale entries expire by TTL.
 */
export class ResultsCache {
  constructor(
    private readonly store: KeyValueStore,
    private readonly ttlSeconds: number,
  ) {}

  private versionKey(electionId: number, corporation: string) {
    return `results:v:${electionId}:${corporation}`;
  }

  private async entryKey(electionId: number, corporation: string, query: string) {
    const version = (await this.store.get(this.versionKey(electionId, corporation))) ?? '0';
    return `results:${electionId}:${corporation}:${version}:${query}`;
  }

  async get(electionId: number, corporation: string, query: string): Promise<string | null> {
    try {
      return await this.store.get(await this.entryKey(electionId, corporation, query));
    } catch {
      return null;
    }
  }

  async set(electionId: number, corporation: string, query: string, value: string): Promise<void> {
    try {
      await this.store.set(await this.entryKey(electionId, corporation, query), value, this.ttlSeconds);
    } catch {
      // A cache outage only costs speed.
    }
  }

  async invalidate(electionId: number, corporations: readonly string[]): Promise<void> {
    await Promise.all(
      corporations.map((corporation) =>
        this.store.increment(this.versionKey(electionId, corporation), VERSION_TTL_SECONDS).catch(() => undefined),
      ),
    );
  }
}
