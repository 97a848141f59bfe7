import { describe, expect, it } from 'vitest';
import { extractFeatures, lookUpWord, RULE_FEATURES, type RuleFeature, spanishLexicon } from '../src/index.js';

const lexicon = spanishLexicon();

function rules(text: string): Record<RuleFeature, number> {
  const { rules: values } = extractFeatures(text, lexicon);
  return Object.fromEntries(RULE_FEATURES.map((name, i) => [name, values[i] as number])) as Record<RuleFeature, number>;
}

describe('extractFeatures', () => {
  it('flips the polarity of words in a negation scope', () => {
    expect(rules('El discurso es bueno')).toMatchObject({ negatedPositive: 0 });
    expect(rules('El discurso es bueno').positiveLexicon).toBeGreaterThan(0);
    const negated = rules('El discurso no es bueno');
    expect(negated.positiveLexicon).toBe(0);
    expect(negated.negatedPositive).toBeGreaterThan(0);
    expect(negated.ruleBalance).toBeLessThan(0);
    for (const negator of ['nunca fue bueno', 'ni bueno ni honesto', 'tampoco es bueno', 'sin nada bueno']) {
      expect(rules(negator).negatedPositive, negator).toBeGreaterThan(0);
    }
  });

  it('reads "no está mal" as a negated negative, which leans positive', () => {
    const notBad = rules('no está mal');
    expect(notBad.negativeLexicon).toBe(0);
    expect(notBad.negatedNegative).toBeGreaterThan(0);
    expect(notBad.ruleBalance).toBeGreaterThan(0);
  });

  it('ends a negation at punctuation and after three words', () => {
    expect(rules('No, el debate fue bueno').positiveLexicon).toBeGreaterThan(0);
    expect(rules('No lo sé, pero el debate fue bueno').negatedPositive).toBe(0);
    expect(rules('no lo dijo en el debate bueno').negatedPositive).toBe(0);
  });

  it('does not take "no más", "sin embargo" or a phrase such as "no sirve" for negation', () => {
    expect(rules('No más corrupción').negativeLexicon).toBeGreaterThan(0);
    expect(rules('Sin embargo el plan es bueno').positiveLexicon).toBeGreaterThan(0);
    expect(rules('Este ministro no sirve').negativeLexicon).toBeGreaterThan(0);
  });

  it('strengthens polar words after intensifiers, in capitals, elongated or as superlatives', () => {
    const plain = rules('es bueno').positiveLexicon;
    expect(rules('es muy bueno').positiveLexicon).toBeGreaterThan(plain);
    expect(rules('es súper bueno').positiveLexicon).toBeGreaterThan(plain);
    expect(rules('es BUENO').positiveLexicon).toBeGreaterThan(plain);
    expect(rules('es buenooo').positiveLexicon).toBeGreaterThan(plain);
    expect(rules('es buenísimo').positiveLexicon).toBeGreaterThan(plain);
    expect(rules('es algo bueno').positiveLexicon).toBeLessThan(plain);
  });

  it('gives emoji their polarity', () => {
    expect(rules('El ministro 🤮').negativeEmoji).toBeGreaterThan(0);
    expect(rules('El ministro 🤡').negativeEmoji).toBeGreaterThan(0);
    expect(rules('Felices 😍🎉').positiveEmoji).toBeGreaterThan(0);
    expect(rules('Felices 😍🎉').negativeEmoji).toBe(0);
  });

  it('reads the words of a hashtag', () => {
    const hashtag = rules('#NoMasCorrupcion');
    expect(hashtag.negativeLexicon).toBeGreaterThan(0);
    expect(hashtag.hashtagWords).toBeGreaterThan(0);
  });

  it('marks irony: "sí, claro", praise beside a negative word, laughter, scare quotes', () => {
    expect(rules('Sí, claro, ahora sí van a cumplir').ironyMarkers).toBeGreaterThan(0);
    expect(rules('Qué bonito, robándose la plata').ironyMarkers).toBeGreaterThan(0);
    expect(rules('Qué bonito el atardecer').ironyMarkers).toBe(0);
    expect(rules('jajaja dice que no es corrupto').laughterWithNegative).toBe(1);
    expect(rules('jajaja qué buen chiste').laughterWithNegative).toBe(0);
    expect(rules('El "gran" demócrata').scareQuotedPositive).toBeGreaterThan(0);
    expect(rules('Dijo: "el plan de vivienda es un gran avance para todas las familias"').scareQuotedPositive).toBe(0);
  });

  it('knows Colombian usage', () => {
    expect(rules('Qué chimba de evento').positiveLexicon).toBeGreaterThan(0);
    expect(rules('Bacano el debate').positiveLexicon).toBeGreaterThan(0);
    expect(rules('Paila, subió la gasolina').negativeLexicon).toBeGreaterThan(0);
    expect(rules('Qué boleta el alcalde').negativeLexicon).toBeGreaterThan(0);
    expect(rules('los uribestias otra vez').negativeLexicon).toBeGreaterThan(0);
  });
});

describe('lookUpWord', () => {
  it('finds inflections the translated lexicon lacks', () => {
    expect(lookUpWord(lexicon, 'buenas')?.value).toBe(lookUpWord(lexicon, 'bueno')?.value);
    expect(lookUpWord(lexicon, 'felices')?.value).toBe(lookUpWord(lexicon, 'feliz')?.value);
    expect(lookUpWord(lexicon, 'robandose')?.value).toBeLessThan(0);
    expect(lookUpWord(lexicon, 'buenisima')).toMatchObject({ superlative: true });
  });

  it('keeps words marked as not polar from matching through an inflection', () => {
    expect(lookUpWord(lexicon, 'listas')?.value ?? 0).toBe(0);
  });
});
