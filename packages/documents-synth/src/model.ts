/** A synthetic document before it is rendered to a file format. */
export type SynthBlock = { kind: 'heading'; level: 1 | 2 | 3; text: string } | { kind: 'paragraph'; text: string };

export const SYNTH_FORMATS = ['pdf', 'docx', 'markdown', 'text'] as const;
export type SynthFormat = (typeof SYNTH_FORMATS)[number];

export interface SynthDocument {
  /** Stable id, usable as a document id in a store. */
  id: string;
  /** File name without extension. */
  name: string;
  title: string;
  /** The format the default corpus renders it in (every document renders in all four). */
  format: SynthFormat;
  blocks: SynthBlock[];
}

/** A question whose answer is known: the document and section that hold it, and a phrase of the answer. */
export interface SynthQuestion {
  id: string;
  question: string;
  /**
   * `literal`: the question uses the answer's own words (lexical search should find it);
   * `paraphrase`: synonyms and a city's epithet instead ("uniformados" for policías, "la capital
   * antioqueña" for Medellín), where stemming alone falls short and vectors or expansion help.
   */
  kind: 'literal' | 'paraphrase';
  documentId: string;
  /** Heading path of the answering section as a reader of the document's format yields it. */
  headingPath: string[];
  /** Text the answering chunk contains, verbatim. */
  answerContains: string;
}
