import type { AdvisorEvidence, TaskPriority, TeamRole } from '@castor/contracts';

/** A candidate's figures in the recent period and the one before it, as the rules read them. */
export interface AdviceFigures {
  candidate: string;
  current: PeriodShares;
  previous: PeriodShares;
  /** The rival whose share of voice rose most, when one did. */
  risingRival?: { name: string; shareOfVoiceChange: number; shareOfVoice: number } | undefined;
}

export interface PeriodShares {
  posts: number;
  /** Of scored posts; null without any. */
  negativeShare: number | null;
  positiveShare: number | null;
  botShare: number | null;
  shareOfVoice: number | null;
}

/** The evidence at hand, by kind, each already carrying the id recommendations cite. */
export interface AdviceEvidence {
  metrics: Record<'tone' | 'bots' | 'shareOfVoice' | 'rival', AdvisorEvidence>;
  negativePosts: AdvisorEvidence[];
  spikes: Array<AdvisorEvidence & { zScore: number; term: string }>;
  /** A passage of the campaign's documents about a spike's term, by the spike's evidence id. */
  passagesBySpike: Map<string, AdvisorEvidence>;
}

export interface Advice {
  title: string;
  why: string;
  priority: TaskPriority;
  ownerRole: TeamRole;
  evidenceIds: string[];
}

const PRIORITY_ORDER: Record<TaskPriority, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
const points = (share: number) => `${Math.round(share * 1000) / 10} %`;
/** Fewer posts than this in the recent period say too little to act on. */
const MIN_POSTS = 20;

/**
 * The offline advisor: fixed rules over the same evidence the LLM would read, each recommendation
 * citing the evidence that triggered it. Thresholds are conservative and named in the "why".
 */
export function adviseByRules(figures: AdviceFigures, evidence: AdviceEvidence, max: number): Advice[] {
  const advice: Advice[] = [];
  const { current, previous } = figures;
  const enough = current.posts >= MIN_POSTS;

  for (const spike of evidence.spikes.slice(0, 2)) {
    const passage = evidence.passagesBySpike.get(spike.id);
    advice.push({
      title: `Atender el pico de conversación sobre «${spike.term}»`,
      why: `Se detectó un pico sobre «${spike.term}» (z = ${spike.zScore.toFixed(1)} frente a su línea base).${
        passage ? ' Los documentos de la campaña tienen un pasaje sobre el tema para responder con lo ya dicho.' : ''
      }`,
      priority: spike.zScore >= 5 ? 'urgent' : 'high',
      ownerRole: 'communications',
      evidenceIds: [spike.id, ...(passage ? [passage.id] : [])],
    });
  }

  if (enough && current.negativeShare !== null && previous.negativeShare !== null) {
    const rise = current.negativeShare - previous.negativeShare;
    if (rise >= 0.05 && current.negativeShare >= 0.25) {
      advice.push({
        title: `Responder al aumento del tono negativo sobre ${figures.candidate}`,
        why: `La proporción de publicaciones negativas pasó de ${points(previous.negativeShare)} a ${points(current.negativeShare)}; las publicaciones negativas con más interacción muestran de qué se habla.`,
        priority: rise >= 0.15 ? 'urgent' : 'high',
        ownerRole: 'communications',
        evidenceIds: [evidence.metrics.tone.id, ...evidence.negativePosts.slice(0, 3).map((post) => post.id)],
      });
    }
  }

  if (enough && current.botShare !== null && current.botShare >= 0.2) {
    advice.push({
      title: 'Documentar y reportar la actividad de cuentas sospechosas de ser bots',
      why: `El ${points(current.botShare)} de las publicaciones sobre ${figures.candidate} viene de cuentas sospechosas de automatización; conviene documentarlas y no responderles como si fueran personas.`,
      priority: current.botShare >= 0.4 ? 'high' : 'medium',
      ownerRole: 'analyst',
      evidenceIds: [evidence.metrics.bots.id],
    });
  }

  if (figures.risingRival && figures.risingRival.shareOfVoiceChange >= 0.03) {
    advice.push({
      title: `Contrastar propuestas con ${figures.risingRival.name}`,
      why: `La participación de ${figures.risingRival.name} en la conversación subió ${points(figures.risingRival.shareOfVoiceChange)} hasta ${points(figures.risingRival.shareOfVoice)}.`,
      priority: 'medium',
      ownerRole: 'coordinator',
      evidenceIds: [evidence.metrics.rival.id],
    });
  }

  if (enough && current.shareOfVoice !== null && previous.shareOfVoice !== null) {
    const fall = previous.shareOfVoice - current.shareOfVoice;
    if (fall >= 0.03) {
      advice.push({
        title: `Recuperar presencia de ${figures.candidate} en la conversación`,
        why: `Su participación en la conversación bajó de ${points(previous.shareOfVoice)} a ${points(current.shareOfVoice)}.`,
        priority: 'medium',
        ownerRole: 'field',
        evidenceIds: [evidence.metrics.shareOfVoice.id],
      });
    }
  }

  if (advice.length === 0) {
    advice.push({
      title: 'Mantener el monitoreo diario de la conversación',
      why: enough
        ? 'Ninguna señal cruzó los umbrales (picos, tono negativo +5 puntos, bots ≥ 20 %, rivales +3 puntos).'
        : `Hay solo ${current.posts} publicaciones en el periodo: muy pocas para recomendar acciones.`,
      priority: 'low',
      ownerRole: 'analyst',
      evidenceIds: [evidence.metrics.tone.id],
    });
  }
  return advice.sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority]).slice(0, max);
}
