import type { CreateCampaignCandidate } from '@castor/contracts';

/**
 * The demo's candidates. They are fictional on purpose: the synthetic posts put words in people's
 * mouths, which must never be attributed to real Colombian politicians.
 */
export interface SynthCandidate extends CreateCampaignCandidate {
  slug: string;
  name: string;
  /** How to name them in a post (surname, full name, hashtag, @account). */
  mentions: readonly string[];
  /** Share of the ordinary daily conversation about them. */
  weight: number;
  /** Mean tone of the ordinary conversation: P(positive) − P(negative). */
  tone: number;
}

export const DEMO_CANDIDATES: readonly SynthCandidate[] = [
  {
    slug: 'cifuentes',
    name: 'Laura Cifuentes',
    party: 'Alianza Ciudadana (ficticio)',
    own: true,
    color: '#1c7ed6',
    queries: [
      { kind: 'term', value: 'Cifuentes' },
      { kind: 'hashtag', value: 'CifuentesPresidente' },
      { kind: 'account', value: 'lauracifuentes' },
    ],
    mentions: ['Cifuentes', 'Laura Cifuentes', '#CifuentesPresidente', '@lauracifuentes'],
    weight: 0.3,
    tone: 0.05,
  },
  {
    slug: 'montoya',
    name: 'Andrés Montoya',
    party: 'Orden y Progreso (ficticio)',
    color: '#e8590c',
    queries: [
      { kind: 'term', value: 'Montoya' },
      { kind: 'hashtag', value: 'MontoyaPresidente' },
      { kind: 'account', value: 'andresmontoya' },
    ],
    mentions: ['Montoya', 'Andrés Montoya', '#MontoyaPresidente', '@andresmontoya'],
    weight: 0.36,
    tone: -0.05,
  },
  {
    slug: 'rios',
    name: 'Camila Ríos',
    party: 'Verde Futuro (ficticio)',
    color: '#2f9e44',
    queries: [
      { kind: 'term', value: 'Camila Ríos' },
      { kind: 'hashtag', value: 'CamilaRios2026' },
      { kind: 'account', value: 'camilarios' },
    ],
    mentions: ['Camila Ríos', '#CamilaRios2026', '@camilarios'],
    weight: 0.2,
    tone: 0.1,
  },
  {
    slug: 'valencia',
    name: 'Jorge Valencia',
    party: 'Fuerza Regional (ficticio)',
    color: '#9c36b5',
    queries: [
      { kind: 'term', value: 'Jorge Valencia' },
      { kind: 'account', value: 'jorgevalencia' },
    ],
    mentions: ['Jorge Valencia', '@jorgevalencia'],
    weight: 0.14,
    tone: -0.1,
  },
];
