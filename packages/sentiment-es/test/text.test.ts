import { describe, expect, it } from 'vitest';
import { splitHashtag, tokenize } from '../src/index.js';

describe('splitHashtag', () => {
  it('splits camel case, capitals and digits into words', () => {
    expect(splitHashtag('#NoMasCorrupcion')).toEqual(['No', 'Mas', 'Corrupcion']);
    expect(splitHashtag('#PetroPresidente2026')).toEqual(['Petro', 'Presidente', '2026']);
    expect(splitHashtag('#CNEColombia')).toEqual(['CNE', 'Colombia']);
    expect(splitHashtag('#paro_nacional')).toEqual(['paro', 'nacional']);
  });

  it('leaves a hashtag written in one case as one word', () => {
    expect(splitHashtag('#elecciones')).toEqual(['elecciones']);
  });
});

describe('tokenize', () => {
  it('folds words, marks elongation and shouting, and keeps hashtag words apart', () => {
    const tokens = tokenize('Buenísimooo el debate, CORRUPTOS #NoMásMentiras');
    expect(tokens.filter((token) => token.kind === 'word').map((token) => token.folded)).toEqual([
      'buenisimo',
      'el',
      'debate',
      'corruptos',
      'no',
      'mas',
      'mentiras',
    ]);
    expect(tokens[0]?.elongated).toBe(true);
    expect(tokens.find((token) => token.folded === 'corruptos')?.shouted).toBe(true);
    expect(tokens.find((token) => token.folded === 'debate')?.shouted).toBe(false);
    expect(tokens.filter((token) => token.fromHashtag).length).toBe(3);
  });

  it('reads emoji without skin tone, emoticons, links and mentions as their own tokens', () => {
    const tokens = tokenize('Bravo 👏🏽 :) @registraduria https://t.co/abc 🇨🇴');
    expect(tokens.map((token) => [token.kind, token.folded])).toEqual([
      ['word', 'bravo'],
      ['emoji', '👏'],
      ['emoticon', ':)'],
      ['mention', '<mention>'],
      ['url', '<url>'],
      ['emoji', '🇨🇴'],
    ]);
  });
});
