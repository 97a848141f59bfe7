import { z } from 'zod';
import { SENTIMENT_LABELS, type SentimentLabel } from '../model.js';
import type { ProviderScore, SentimentProvider } from './provider.js';

/**
 * The shape of the LLM client in @castor/ai-providers, restated here so this package does not
 * depend on it: one structured completion, validated against `schema`, with `offline` computing
 * the value when no LLM can be reached.
 */
export interface LlmClient {
  complete<T>(
    request: { task: string; system: string; prompt: string; schema: z.ZodType<T>; maxOutputTokens?: number },
    offline: () => T | Promise<T>,
  ): Promise<{ value: T; provider: string; model: string; cached: boolean }>;
  readonly online: boolean;
}

export interface LlmProviderOptions {
  client: LlmClient;
  /** Scores the posts the LLM does not answer for (offline client, missing or unknown ids, errors). */
  fallback: SentimentProvider;
  /** Posts per completion. */
  batchSize?: number;
}

/** Changes whenever the prompt or the answer's schema changes: scores carry it as their version. */
export const LLM_SENTIMENT_PROMPT_VERSION = 'es-co-prompt-v1';
export const LLM_SENTIMENT_TASK = 'sentiment.classify';
/** Longer posts are cut: sentiment is in the first lines, and a batch stays within the output budget. */
const MAX_TEXT_LENGTH = 1000;

export const llmSentimentAnswerSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      label: z.enum(SENTIMENT_LABELS),
      /** How sure the model is of its label, 0..1. */
      confidence: z.number().min(0).max(1),
    }),
  ),
});
export type LlmSentimentAnswer = z.infer<typeof llmSentimentAnswerSchema>;

export const LLM_SENTIMENT_SYSTEM_PROMPT = `Eres un analista de conversación política en Colombia. Clasificas el sentimiento que expresa el autor de cada publicación de redes sociales (X, Facebook, comentarios) hacia lo que comenta: "negative", "neutral" o "positive".

Criterios:
- Juzga la actitud del autor, no el tema: una noticia sobre una masacre contada sin valoración es "neutral"; "qué vergüenza este gobierno" es "negative".
- Ironía y sarcasmo son frecuentes y cuentan por lo que quieren decir: "sí, claro, muy honesto el alcalde", "gracias por nada", "qué bonito, otra vez robando", "felicitaciones por el desastre", elogios entre comillas ("el 'gran' demócrata"), risas (jajaja, 😂) junto a una crítica, 🤡 o 👏 burlones: todo eso es "negative".
- Negación: "no es bueno" es "negative"; "no está mal", "nada mal" o "no es tan malo" expresan aprobación moderada: "positive" (con confianza baja si es tibio); "no más corrupción" rechaza la corrupción pero apoya un cambio: decide por el tono general.
- Expresiones colombianas: "qué chimba", "bacano", "berraco" (valiente o furioso, según el contexto), "parce" (neutro), "paila" (malo), "qué boleta" (vergonzoso), "mermelada" (clientelismo, negativo), "uribestia", "petrista"/"petrosky" o "mamerto" usados como insulto (negativo), "falsos positivos" (crimen de Estado, negativo).
- Hashtags y emojis cuentan como texto: #NoMásCorrupción, #FueraPetro, #PetroPresidente expresan postura.
- Preguntas, anuncios, agendas y datos sin valoración son "neutral". Si hay elogio y crítica mezclados, decide por lo que domina; si se equilibran, "neutral".

Responde solo con el JSON pedido: un resultado por cada id recibido, con el mismo id, sin ids nuevos. "confidence" va de 0 a 1.`;

/** The user prompt: the posts as a JSON array of { id, text }. */
export function llmSentimentPrompt(posts: ReadonlyArray<{ id: string; text: string }>): string {
  return `Clasifica el sentimiento de estas ${posts.length} publicaciones. Devuelve {"results": [{"id", "label", "confidence"}]} con exactamente un resultado por id.

Publicaciones (JSON):
${JSON.stringify(posts.map(({ id, text }) => ({ id, text: text.slice(0, MAX_TEXT_LENGTH) })))}`;
}

function scoreOfLabel(
  label: SentimentLabel,
  confidence: number,
): Pick<ProviderScore, 'label' | 'score' | 'probabilities'> {
  // The LLM gives a label and its confidence; the other two labels share the rest. A confidence
  // under a third would make another label likelier than the one chosen, so it counts as a third.
  const chosen = Math.max(confidence, 1 / 3);
  const probabilities = Object.fromEntries(
    SENTIMENT_LABELS.map((candidate) => [candidate, candidate === label ? chosen : (1 - chosen) / 2]),
  ) as Record<SentimentLabel, number>;
  return { label, score: probabilities.positive - probabilities.negative, probabilities };
}

/**
 * Sentiment from an LLM, many posts per completion. Each answer is checked against the posts
 * asked about: a post whose id is missing from the answer is scored by the fallback model; an
 * answer with an id that was not asked for, or one id twice, has lost the alignment between ids
 * and posts, so its whole batch is scored by the fallback. Such scores carry the fallback's model
 * and version and say why in `fallback`. Scores the LLM gave are recorded as `llm:<provider>:<model>`.
 */
export function llmSentimentProvider(options: LlmProviderOptions): SentimentProvider {
  const { client, fallback } = options;
  const batchSize = options.batchSize ?? 50;

  const fallbackScores = async (texts: readonly string[], reason: string): Promise<ProviderScore[]> =>
    (await fallback.score(texts)).map((score) => ({ ...score, fallback: reason }));

  const scoreBatch = async (texts: readonly string[]): Promise<ProviderScore[]> => {
    const posts = texts.map((text, i) => ({ id: String(i + 1), text }));
    let offlineScores: ProviderScore[] | undefined;
    let answer: Awaited<ReturnType<LlmClient['complete']>> & { value: LlmSentimentAnswer };
    try {
      answer = await client.complete(
        {
          task: LLM_SENTIMENT_TASK,
          system: LLM_SENTIMENT_SYSTEM_PROMPT,
          prompt: llmSentimentPrompt(posts),
          schema: llmSentimentAnswerSchema,
          // About 25 tokens per result, with room to spare.
          maxOutputTokens: 64 + 40 * posts.length,
        },
        async () => {
          offlineScores = await fallbackScores(texts, 'no LLM reachable');
          return {
            results: offlineScores.map((score, i) => ({
              id: String(i + 1),
              label: score.label,
              confidence: Math.max(...Object.values(score.probabilities)),
            })),
          };
        },
      );
    } catch (error) {
      return fallbackScores(texts, `LLM error: ${(error as Error).message}`);
    }
    if (offlineScores) return offlineScores;

    const byId = new Map<string, LlmSentimentAnswer['results'][number]>();
    for (const result of answer.value.results) {
      const known =
        Number(result.id) >= 1 && Number(result.id) <= posts.length && String(Number(result.id)) === result.id;
      if (!known || byId.has(result.id))
        return fallbackScores(texts, `LLM answer had an id it was not asked for or twice ("${result.id}")`);
      byId.set(result.id, result);
    }
    const missing = posts.filter((post) => !byId.has(post.id));
    const missingScores = missing.length
      ? await fallbackScores(
          missing.map((post) => post.text),
          'LLM answer left this post out',
        )
      : [];
    const model = `llm:${answer.provider}:${answer.model}`;
    let nextMissing = 0;
    return posts.map((post) => {
      const result = byId.get(post.id);
      if (!result) return missingScores[nextMissing++] as ProviderScore;
      return { ...scoreOfLabel(result.label, result.confidence), model, version: LLM_SENTIMENT_PROMPT_VERSION };
    });
  };

  return {
    name: 'llm',
    version: LLM_SENTIMENT_PROMPT_VERSION,
    kind: 'llm',
    async score(texts) {
      const scores: ProviderScore[] = [];
      for (let start = 0; start < texts.length; start += batchSize)
        scores.push(...(await scoreBatch(texts.slice(start, start + batchSize))));
      return scores;
    },
  };
}
