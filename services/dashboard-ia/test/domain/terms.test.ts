import { describe, expect, it } from 'vitest';
import { termKind, termsOf } from '../../src/domain/terms.js';

describe('termsOf', () => {
  it('keeps hashtags whole, folds words, drops mentions, URLs, numbers and stopwords, and pairs adjacent content words', () => {
    const terms = termsOf(
      '@PetroGustavo la Reforma Pensional es un robo!!! #NoALaReforma https://t.co/abc 2026 buenísimooo',
    );
    expect(terms).toContain('#noalareforma');
    expect(terms).toContain('reforma');
    expect(terms).toContain('pensional');
    expect(terms).toContain('reforma pensional');
    expect(terms).toContain('robo');
    expect(terms).toContain('buenisimo');
    for (const dropped of ['petrogustavo', '@petrogustavo', 'la', 'es', 'un', '2026', 'https', 't.co', 'abc']) {
      expect(terms).not.toContain(dropped);
    }
    // "pensional es un robo": the stopwords between break the bigram.
    expect(terms).not.toContain('pensional robo');
    // The hashtag's words are counted as the hashtag, not as loose words.
    expect(terms).not.toContain('reforma no');
  });

  it('counts a post once per term and skips Colombian political filler', () => {
    const terms = termsOf('Paz total, paz total: el gobierno dijo que el país jajaja');
    expect(terms.filter((term) => term === 'paz total')).toHaveLength(1);
    for (const filler of ['gobierno', 'dijo', 'pais', 'jajaja']) expect(terms).not.toContain(filler);
  });

  it('tells hashtags from terms', () => {
    expect(termKind('#debate')).toBe('hashtag');
    expect(termKind('paz total')).toBe('term');
  });
});
