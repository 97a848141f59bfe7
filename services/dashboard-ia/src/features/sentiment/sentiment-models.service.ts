import type { SentimentModelActivationResponse, SentimentModelsResponse } from '@castor/contracts';
import { CURRENT_MODEL_VERSION } from '@castor/sentiment-es';
import { httpError } from '@castor/service-kit';
import type { ServiceSentiment } from '../../shared/sentiment-provider.js';
import type { SentimentModelsRepository } from './sentiment-models.repository.js';

/** The distilled offline models: listing them, and switching the service to one. */
export class SentimentModelsService {
  constructor(
    private readonly repository: SentimentModelsRepository,
    private readonly sentiment: ServiceSentiment,
    /** Starts the background scoring of the posts left without a score. */
    private readonly kickScoring: () => void,
  ) {}

  async list(): Promise<SentimentModelsResponse> {
    const models = await this.repository.list();
    const { sentiment } = this;
    return {
      offlineVersion: sentiment.offlineModel.version,
      provider: { kind: sentiment.kind, name: sentiment.name, version: sentiment.version },
      models: models.map((model) => ({ ...model, createdAt: model.createdAt.toISOString() })),
    };
  }

  /** `version` becomes the offline model here at once (other replicas on their next poll). */
  async activate(version: string): Promise<SentimentModelActivationResponse> {
    const known = await this.repository.activate(version === CURRENT_MODEL_VERSION ? null : version);
    if (!known) throw httpError('SENTIMENT_MODEL_UNKNOWN', `No distilled sentiment model has version ${version}`);
    await this.sentiment.refresh();
    return { offlineVersion: this.sentiment.offlineModel.version, postsToRescore: await this.rescoreStale() };
  }

  /**
   * When the offline model is what scores the posts, those another offline version scored are
   * cleared and scored again in the background. An ONNX or LLM provider's scores stay: the switch
   * only changed their fallback, and re-asking an LLM for every post would cost money.
   */
  async rescoreStale(): Promise<number> {
    if (this.sentiment.kind !== 'offline') return 0;
    const { name, version } = this.sentiment.offlineModel;
    const marked = await this.repository.markForRescoring(name, version);
    if (marked > 0) this.kickScoring();
    return marked;
  }
}
