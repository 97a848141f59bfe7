import type { SynthQuestion } from '@castor/documents-synth';

/** A passage a search returned, named by the synthetic document it came from. */
export interface RetrievedPassage {
  synthDocumentId: string | undefined;
  text: string;
}

export interface QualityFigures {
  questions: number;
  /** Share of questions whose answering passage is among the first 5. */
  recallAt5: number;
  /** Mean of 1 / rank of the first answering passage among those returned (0 when none is). */
  mrr: number;
}

/**
 * recall@5 and MRR of a search over the synthetic question set, overall and per kind (literal,
 * paraphrase). A passage answers a question when it comes from the question's document and holds
 * its answer phrase verbatim.
 */
export async function retrievalQuality(
  questions: readonly SynthQuestion[],
  search: (question: string) => Promise<RetrievedPassage[]>,
): Promise<QualityFigures & { byKind: Record<SynthQuestion['kind'], QualityFigures>; missedAt5: string[] }> {
  const ranks = new Map<string, number | undefined>();
  for (const question of questions) {
    const passages = await search(question.question);
    const index = passages.findIndex(
      (passage) => passage.synthDocumentId === question.documentId && passage.text.includes(question.answerContains),
    );
    ranks.set(question.id, index === -1 ? undefined : index + 1);
  }
  const figures = (subset: readonly SynthQuestion[]): QualityFigures => {
    const of = subset.map((question) => ranks.get(question.id));
    return {
      questions: subset.length,
      recallAt5: of.filter((rank) => rank !== undefined && rank <= 5).length / Math.max(1, subset.length),
      mrr: of.reduce<number>((sum, rank) => sum + (rank === undefined ? 0 : 1 / rank), 0) / Math.max(1, subset.length),
    };
  };
  return {
    ...figures(questions),
    byKind: {
      literal: figures(questions.filter((question) => question.kind === 'literal')),
      paraphrase: figures(questions.filter((question) => question.kind === 'paraphrase')),
    },
    missedAt5: questions.filter((question) => (ranks.get(question.id) ?? 99) > 5).map((question) => question.id),
  };
}
