import { describe, expect, it } from 'vitest';
import { termsOf } from '../../src/domain/terms.js';
import { clusterTopics, postIsAbout } from '../../src/domain/topics.js';

const repeat = (count: number, text: string) =>
  Array.from({ length: count }, (_, index) => termsOf(`${text} ${index}`));

describe('clusterTopics', () => {
  it('groups terms that appear together and labels the topic with its most used terms', () => {
    const posts = [
      ...repeat(12, 'la reforma pensional sube la edad de cotizacion'),
      ...repeat(6, 'reforma pensional y cotizacion, otra vez'),
      ...repeat(10, '#DebateCaracol cepeda ganó el debate'),
      ...repeat(3, 'hoy llueve en bogota'),
      ...repeat(4, 'la reforma pensional'),
    ];
    const eligible = [
      'reforma pensional',
      'reforma',
      'pensional',
      'cotizacion',
      'edad',
      '#debatecaracol',
      'cepeda',
      'gano',
      'debate',
      'llueve',
      'bogota',
    ];
    const topics = clusterTopics(posts, eligible);
    const pension = topics.find((topic) => topic.terms.includes('cotizacion'));
    expect(pension?.terms).toEqual(expect.arrayContaining(['reforma pensional', 'cotizacion', 'edad']));
    expect(pension?.terms).not.toContain('#debatecaracol');
    // The label does not repeat words: "reforma pensional", not also "reforma" and "pensional".
    expect(pension?.label.split(' · ')).toEqual(['reforma pensional', 'cotizacion', 'edad']);
    const debate = topics.find((topic) => topic.terms.includes('#debatecaracol'));
    expect(debate?.terms).toEqual(expect.arrayContaining(['cepeda', 'debate']));
    // Two terms seen together in three posts only are a topic too (minShared 3), but not one seen in fewer.
    expect(clusterTopics(repeat(2, 'hoy llueve en bogota'), eligible)).toEqual([]);
  });

  it('tells whether a post is about a topic: two of its terms', () => {
    expect(postIsAbout(new Set(['reforma pensional', 'edad']), ['reforma pensional', 'cotizacion', 'edad'])).toBe(true);
    expect(postIsAbout(new Set(['edad', 'futbol']), ['reforma pensional', 'cotizacion', 'edad'])).toBe(false);
  });
});
