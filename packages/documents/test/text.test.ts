import { describe, expect, it } from 'vitest';
import { cleanText, countWords, estimateTokens, foldSpanish } from '../src/index.js';

describe('foldSpanish', () => {
  it('lower-cases, removes accents and diaeresis but keeps ñ, and turns punctuation runs into one space', () => {
    expect(foldSpanish('¿Qué prometimos sobre EDUCACIÓN en Medellín?')).toBe(
      'que prometimos sobre educacion en medellin',
    );
    expect(foldSpanish('Pingüino, AÑO y niñez — «3,5 %»')).toBe('pinguino año y niñez 3 5');
    // Decomposed input (n + combining tilde) folds like the composed one.
    expect(foldSpanish('an\u0303o cafe\u0301')).toBe('año cafe');
    expect(foldSpanish('  ¡¡ !!  ')).toBe('');
  });

  it('folds letters beyond Latin-1 and drops symbols', () => {
    expect(foldSpanish('Łódź İzmir Ελλάδα 😀 ok')).toBe('łodz izmir ελλαδα ok');
  });
});

describe('cleanText', () => {
  it('joins whitespace, removes invisible characters and composes accents', () => {
    expect(cleanText('  segu\u00adridad\u200b y\n\tcafe\u0301 \ufeff ')).toBe('seguridad y café');
  });
});

describe('countWords and estimateTokens', () => {
  it('count runs of letters and digits and scale them to tokens', () => {
    expect(countWords('Contrataremos 794 policías, ¿sí?')).toBe(4);
    expect(estimateTokens('Contrataremos 794 policías, ¿sí?')).toBe(6);
    expect(countWords('')).toBe(0);
  });
});
