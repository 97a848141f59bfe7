import {
  createSentimentModel,
  type LlmClient,
  llmSentimentProvider,
  loadSentimentModel,
  type ModelFile,
  offlineSentimentProvider,
  onnxSentimentProvider,
  type SentimentProvider,
} from '@castor/sentiment-es';
import type { FastifyBaseLogger } from 'fastify';
import type { DashboardConfig } from '../config.js';

/** Where the distilled offline models are stored (`sentiment_models`). */
export interface StoredOfflineModels {
  /** The active version, or null when none is (the committed model scores). */
  activeVersion(): Promise<string | null>;
  file(version: string): Promise<ModelFile>;
}

export interface ServiceSentimentOptions {
  config: Pick<DashboardConfig, 'SENTIMENT_PROVIDER' | 'SENTIMENT_ONNX_MODEL_DIR'>;
  /** The service's one LLM client (offline when no provider is configured). */
  llm: LlmClient;
  models: StoredOfflineModels;
  log: FastifyBaseLogger;
  /** Posts per LLM completion. */
  llmBatchSize?: number;
}

/**
 * The sentiment provider the service scores with (stored posts and POST /api/sentiment/score),
 * as SENTIMENT_PROVIDER says: offline, ONNX or LLM. The offline model is the active distilled
 * version of `sentiment_models` when there is one, else the committed one; the LLM provider falls
 * back to it. `refresh` rebuilds the provider when the active version changed (after an activation
 * here, or on the poll, after one on another replica or from the CLI); the name and version read
 * through to the current provider, so the score cache follows the switch.
 */
export class ServiceSentiment implements SentimentProvider {
  private current!: SentimentProvider;
  private offline!: SentimentProvider;
  private activeVersion: string | null | undefined;
  private onnx: SentimentProvider | undefined;

  private constructor(private readonly options: ServiceSentimentOptions) {}

  /** Builds the configured provider; an ONNX folder that cannot be loaded fails here (at start). */
  static async create(options: ServiceSentimentOptions): Promise<ServiceSentiment> {
    const sentiment = new ServiceSentiment(options);
    const { config } = options;
    if (config.SENTIMENT_PROVIDER === 'onnx')
      sentiment.onnx = await onnxSentimentProvider({ folder: config.SENTIMENT_ONNX_MODEL_DIR as string });
    if (config.SENTIMENT_PROVIDER === 'llm' && !options.llm.online)
      options.log.warn(
        'SENTIMENT_PROVIDER=llm but no LLM provider is configured: every post is scored by the offline model',
      );
    await sentiment.refresh();
    return sentiment;
  }

  get name(): string {
    return this.current.name;
  }
  get version(): string {
    return this.current.version;
  }
  get kind(): SentimentProvider['kind'] {
    return this.current.kind;
  }
  /** The offline model in use (the configured provider's fallback when it is not the offline one). */
  get offlineModel(): Pick<SentimentProvider, 'name' | 'version'> {
    return this.offline;
  }

  score(texts: readonly string[]) {
    return this.current.score(texts);
  }

  /** Loads the active offline version if it changed; true when it did (and the provider switched). */
  async refresh(): Promise<boolean> {
    const active = await this.options.models.activeVersion();
    if (active === this.activeVersion) return false;
    const model =
      active === null ? await loadSentimentModel() : createSentimentModel(await this.options.models.file(active));
    this.offline = await offlineSentimentProvider(model);
    this.current = this.onnx ?? this.configured(this.offline);
    const switched = this.activeVersion !== undefined;
    this.activeVersion = active;
    if (switched)
      this.options.log.info(
        { offlineVersion: this.offline.version, provider: this.current.name },
        'sentiment model switched',
      );
    return switched;
  }

  private configured(offline: SentimentProvider): SentimentProvider {
    if (this.options.config.SENTIMENT_PROVIDER !== 'llm') return offline;
    return llmSentimentProvider({
      client: this.options.llm,
      fallback: offline,
      ...(this.options.llmBatchSize === undefined ? {} : { batchSize: this.options.llmBatchSize }),
    });
  }
}
