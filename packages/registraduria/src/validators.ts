import { createHash } from 'node:crypto';
import { z } from 'zod';

/** What we remember about a URL's last good download, to ask the site "only if changed". */
export const storedValidatorsSchema = z.object({
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  size: z.number().int().min(0),
});
export type StoredValidators = z.infer<typeof storedValidatorsSchema>;

export interface ValidatorStore {
  get(url: string): Promise<StoredValidators | null>;
  set(url: string, validators: StoredValidators): Promise<void>;
}

export class MemoryValidatorStore implements ValidatorStore {
  private readonly entries = new Map<string, StoredValidators>();
  async get(url: string) {
    return this.entries.get(url) ?? null;
  }
  async set(url: string, validators: StoredValidators) {
    this.entries.set(url, validators);
  }
}

/** The subset of a key-value store (the service kit's Redis or memory store) this needs. */
export interface StringStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** Validators in a shared key-value store, so restarts and other workers skip unchanged files too. */
export class KeyValueValidatorStore implements ValidatorStore {
  constructor(
    private readonly store: StringStore,
    private readonly options: { keyPrefix: string; ttlSeconds: number } = {
      keyPrefix: 'registraduria:validators:',
      ttlSeconds: 30 * 24 * 3600,
    },
  ) {}

  private key(url: string) {
    return `${this.options.keyPrefix}${createHash('sha256').update(url).digest('hex')}`;
  }

  async get(url: string) {
    const raw = await this.store.get(this.key(url));
    if (raw === null) return null;
    try {
      const parsed = storedValidatorsSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async set(url: string, validators: StoredValidators) {
    await this.store.set(this.key(url), JSON.stringify(validators), this.options.ttlSeconds);
  }
}
