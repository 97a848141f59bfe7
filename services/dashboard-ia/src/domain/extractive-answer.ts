import { foldSpanish } from '@castor/documents';
import stopwordsIso from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };

/** A retrieved passage as the answerer reads it: its text and the headings it sits under. */
export interface AnswerPassage {
  id: string;
  text: string;
  /** Document title and section label: "seguridad en Cali" is often said by the heading, not the sentence. */
  context: string;
}

export interface ExtractedClaim {
  text: string;
  chunkIds: string[];
}

export interface ExtractiveAnswer {
  found: boolean;
  claims: ExtractedClaim[];
}

const STOPWORDS: ReadonlySet<string> = new Set(stopwordsIso.es.map(foldSpanish));
/** Question words that say what kind of answer is wanted, not what it is about. */
const QUESTION_WORDS = new Set([
  'que',
  'cual',
  'cuales',
  'como',
  'cuando',
  'donde',
  'quien',
  'quienes',
  'cuanto',
  'cuantos',
  'cuantas',
  'dijimos',
  'dice',
  'dicen',
]);
/** Characters of a folded word kept as its stem: "prometimos" and "promete" meet at "prome". */
const STEM_LENGTH = 5;
const MAX_CLAIMS = 3;
/** A sentence this long at most is quoted whole; longer ones are cut at a word. */
const MAX_CLAIM_CHARACTERS = 400;

const stemsOf = (text: string): Set<string> =>
  new Set(
    foldSpanish(text)
      .split(' ')
      .filter((word) => word.length >= 3 && !STOPWORDS.has(word) && !QUESTION_WORDS.has(word))
      .map((word) => word.slice(0, STEM_LENGTH)),
  );

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?;:])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length >= 20);
}

function shorten(sentence: string): string {
  if (sentence.length <= MAX_CLAIM_CHARACTERS) return sentence;
  const cut = sentence.slice(0, MAX_CLAIM_CHARACTERS);
  return `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

/**
 * The offline answer: the passages' own sentences that share the most words (by stem) with the
 * question, quoted verbatim with the passage each comes from; nothing is written that a passage
 * does not say. "Not found" when no sentence covers at least half the question's words (all of
 * them for a question of one or two words): the documents do not hold the answer.
 */
export function extractiveAnswer(question: string, passages: readonly AnswerPassage[]): ExtractiveAnswer {
  const asked = stemsOf(question);
  if (asked.size === 0) return { found: false, claims: [] };
  const needed = asked.size <= 2 ? asked.size : Math.ceil(asked.size / 2);
  const scored: Array<{ text: string; chunkId: string; covered: number; order: number }> = [];
  passages.forEach((passage, rank) => {
    const context = stemsOf(passage.context);
    sentencesOf(passage.text).forEach((sentence, index) => {
      const stems = stemsOf(sentence);
      let covered = 0;
      let inSentence = 0;
      for (const stem of asked) {
        if (stems.has(stem)) {
          covered += 1;
          inSentence += 1;
        } else if (context.has(stem)) covered += 1;
      }
      // A sentence must say part of the answer itself: a heading alone is not an answer.
      if (inSentence > 0 && covered >= needed) {
        scored.push({ text: shorten(sentence), chunkId: passage.id, covered, order: rank * 1_000 + index });
      }
    });
  });
  if (scored.length === 0) return { found: false, claims: [] };
  const best = Math.max(...scored.map((entry) => entry.covered));
  const claims = scored
    .filter((entry) => entry.covered === best)
    .sort((a, b) => a.order - b.order)
    .slice(0, MAX_CLAIMS)
    .map((entry) => ({ text: entry.text, chunkIds: [entry.chunkId] }));
  return { found: true, claims };
}
