import type { ConversationMeasures } from '@castor/contracts';
import type { TimePeriod } from './conversation-figures.js';

/** The figures a written summary is made from: what the analysis found, nothing else. */
export interface AnalysisFigures {
  /** Who or what the analysis is about: a candidate's name or the query as typed. */
  subject: string;
  kind: 'candidate' | 'query';
  period: TimePeriod;
  excludeBots: boolean;
  posts: number;
  authors: number;
  engagement: number;
  positive: number;
  neutral: number;
  negative: number;
  unscored: number;
  net: number | null;
  /** Share of the selection's posts by suspected bots (before any exclusion). */
  botShare: number | null;
  suspectedBotPosts: number;
  shareOfVoice: number | null;
  /** The most frequent hashtags, most frequent first, without '#'. */
  topics: readonly string[];
  /** The author with most posts, when there is one. */
  topAuthor: string | null;
}

export interface WrittenSummary {
  text: string;
  provider: string;
  model: string;
}

/**
 * Writes an analysis's summary from its figures. Offline it is a template; an LLM writer (packages/
 * ai-providers' `LlmClient.complete(request, offline)`) takes the same figures and answers the same shape.
 */
export interface SummaryWriter {
  write(figures: AnalysisFigures): Promise<WrittenSummary>;
}

const integer = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 0 });
const signed = new Intl.NumberFormat('es-CO', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'exceptZero',
});
const day = new Intl.DateTimeFormat('es-CO', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export const formatCount = (value: number) => integer.format(value);
export const formatShare = (value: number) => percent.format(value);
export const formatNet = (value: number) => signed.format(value);

/** The period as people say it: "del 1 de mayo de 2026 al 31 de mayo de 2026" (`to` is exclusive). */
export function formatPeriod(period: TimePeriod): string {
  const lastInstant = new Date(period.to.getTime() - 1);
  return `del ${day.format(period.from)} al ${day.format(lastInstant)}`;
}

const plural = (count: number, one: string, many: string) => `${formatCount(count)} ${count === 1 ? one : many}`;

/** The templated summary: every sentence is one of the figures, said in Spanish. */
export class OfflineSummaryWriter implements SummaryWriter {
  async write(figures: AnalysisFigures): Promise<WrittenSummary> {
    const about = figures.kind === 'candidate' ? `sobre ${figures.subject}` : `que responden a «${figures.subject}»`;
    const sentences = ['Resumen automático sin conexión: redactado con una plantilla a partir de las cifras, sin IA.'];
    if (figures.posts === 0) {
      sentences.push(`No hay publicaciones guardadas ${about} ${formatPeriod(figures.period)}.`);
    } else {
      sentences.push(
        `${capitalize(formatPeriod(figures.period))} se encontraron ${plural(figures.posts, 'publicación', 'publicaciones')} ${about}, de ${plural(figures.authors, 'autor', 'autores')}, con ${plural(figures.engagement, 'interacción', 'interacciones')}.`,
      );
      const scored = figures.positive + figures.neutral + figures.negative;
      if (scored > 0 && figures.net !== null) {
        sentences.push(
          `Sentimiento: ${formatShare(figures.positive / scored)} positivo, ${formatShare(figures.neutral / scored)} neutral y ${formatShare(figures.negative / scored)} negativo (neto ${formatNet(figures.net)}, ${netWord(figures.net)}).`,
        );
      }
      if (figures.unscored > 0) {
        sentences.push(
          `${plural(figures.unscored, 'publicación aún no tiene', 'publicaciones aún no tienen')} sentimiento.`,
        );
      }
    }
    if (figures.shareOfVoice !== null) {
      sentences.push(
        `Su participación en la conversación es ${formatShare(figures.shareOfVoice)} de las publicaciones sobre los candidatos seguidos.`,
      );
    }
    if (figures.botShare !== null && figures.suspectedBotPosts > 0) {
      sentences.push(
        `${capitalize(formatShare(figures.botShare))} de las publicaciones vienen de cuentas sospechosas de ser bots${figures.excludeBots ? ', que se dejaron fuera de estas cifras' : ''}.`,
      );
    }
    if (figures.topics.length > 0) {
      sentences.push(`Temas más frecuentes: ${figures.topics.map((topic) => `#${topic}`).join(', ')}.`);
    }
    if (figures.topAuthor !== null) sentences.push(`La cuenta más activa es @${figures.topAuthor}.`);
    return { text: sentences.join(' '), provider: 'offline', model: 'castor-summary-template' };
  }
}

function netWord(net: number): string {
  if (net > 0.05) return 'predomina lo positivo';
  if (net < -0.05) return 'predomina lo negativo';
  return 'equilibrado';
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One line on what an analysis found, for the history list ("1.234 publicaciones, neto +0,12"). */
export function analysisHeadline(figures: { posts: number; net: number | null; subject: string }): string {
  const net = figures.net === null ? 'sin sentimiento' : `neto ${formatNet(figures.net)}`;
  return `${figures.subject}: ${plural(figures.posts, 'publicación', 'publicaciones')}, ${net}`;
}

const changeWord = (change: number) => (change > 0 ? 'subió' : 'bajó');

/**
 * Short findings of a campaign analysis, each from one figure: the volume, net sentiment, share
 * of voice and bot share against the previous period, and the candidate's place among the rivals.
 */
export function campaignHighlights(input: {
  name: string;
  current: ConversationMeasures;
  previous: ConversationMeasures;
  change: Record<keyof ConversationMeasures, number | null>;
  rank: { shareOfVoice: number; net: number; of: number };
}): string[] {
  const { current, previous, change } = input;
  const highlights: string[] = [];
  if (change.posts !== null && change.posts !== 0) {
    highlights.push(
      `El volumen ${changeWord(change.posts)} ${formatShare(Math.abs(change.posts))} frente al periodo anterior (${formatCount(previous.posts)} → ${formatCount(current.posts)} publicaciones).`,
    );
  } else if (previous.posts === 0 && current.posts > 0) {
    highlights.push(
      `${plural(current.posts, 'publicación', 'publicaciones')} en el periodo; en el periodo anterior no hubo ninguna.`,
    );
  }
  if (change.net !== null && Math.abs(change.net) >= 0.005 && current.net !== null) {
    highlights.push(
      `El sentimiento neto ${changeWord(change.net)} ${formatNet(Math.abs(change.net)).replace('+', '')} puntos, a ${formatNet(current.net)}.`,
    );
  }
  if (change.shareOfVoice !== null && Math.abs(change.shareOfVoice) >= 0.005 && current.shareOfVoice !== null) {
    highlights.push(
      `La participación en la conversación ${changeWord(change.shareOfVoice)} a ${formatShare(current.shareOfVoice)} (${formatNet(change.shareOfVoice * 100).replace(',00', '')} puntos porcentuales).`,
    );
  }
  if (input.rank.of > 1) {
    highlights.push(
      `${input.name} es ${ordinal(input.rank.shareOfVoice)} de ${input.rank.of} en participación y ${ordinal(input.rank.net)} en sentimiento neto.`,
    );
  }
  if (current.botShare !== null && current.botShare > 0) {
    highlights.push(
      `${capitalize(formatShare(current.botShare))} de sus publicaciones vienen de cuentas sospechosas de ser bots.`,
    );
  }
  return highlights;
}

const ordinal = (rank: number) => `${rank}.º`;
