import type { KeyValueStore } from '@castor/service-kit';
import type { z } from 'zod';

/**
 * Provider answers cached by a content key (image hash, prompt version, model) in the service's
 * key-value store (Redis, or memory when there is none). What comes back is validated again: a
 * corrupt or outdated entry is dropped and counts as a miss, never as an answer.
 */
export class ResponseCache {
  constructor(
    private readonly store: Pick<KeyValueStore, 'get' | 'set' | 'delete'>,
    private readonly options: {
      keyPrefix: string;
      ttlSeconds: number;
      /** A cache that fails (Redis down) is a miss, never a failed call; this hears about it. */
      onError?: (error: unknown, operation: 'get' | 'set') => void;
    },
  ) {}

  private key(contentKey: string) {
    return `${this.options.keyPrefix}${contentKey}`;
  }

  async get<T>(contentKey: string, schema: z.ZodType<T>): Promise<T | null> {
    let raw: string | null;
    try {
      raw = await this.store.get(this.key(contentKey));
    } catch (error) {
      this.options.onError?.(error, 'get');
      return null;
    }
    if (raw === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    await this.store.delete(this.key(contentKey)).catch((error: unknown) => this.options.onError?.(error, 'set'));
    return null;
  }

  async set(contentKey: string, value: unknown): Promise<void> {
    try {
      await this.store.set(this.key(contentKey), JSON.stringify(value), this.options.ttlSeconds);
    } catch (error) {
      this.options.onError?.(error, 'set');
    }
  }
}
