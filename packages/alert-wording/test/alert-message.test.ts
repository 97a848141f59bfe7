import { type Alert, RULE_IDS, type RuleId } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { type AlertText, alertMessage } from '../src/index.js';

const evidence = (fields: string[] = [], more: Partial<Alert['evidence']> = {}): Alert['evidence'] => ({
  fields,
  sources: [],
  crops: [],
  ...more,
});

/**
 * One alert of every rule, as e14-service raises it (numbers and evidence), with what its Spanish
 * sentence must say. Typed by RuleId and checked against RULE_IDS: a new rule without a sentence
 * in src/es-CO.ts, or without a case here, fails.
 */
const CASES: Record<RuleId, { alert: AlertText; says: string[] }> = {
  nivelacion: {
    alert: {
      rule: 'nivelacion',
      copy: 'delegados',
      numbers: { sufragantes: 1200, urna: 1250, incinerados: 10, excess: 50 },
      evidence: evidence(['nivelacion.urna']),
    },
    says: ['urna (1.250)', 'E-11 (1.200)', 'incinerados (10)', 'sobran 50'],
  },
  printed_sum: {
    alert: {
      rule: 'printed_sum',
      copy: 'claveros',
      numbers: { computed: 1234, sumaTotal: 1230, difference: 4 },
      evidence: evidence(['sumaTotal']),
    },
    says: ['suman 1.234', 'impresa es 1.230', 'diferencia de 4'],
  },
  urn_sum: {
    alert: {
      rule: 'urn_sum',
      copy: 'claveros',
      numbers: { computed: 2001, urna: 2010, incinerados: 3, difference: -6 },
      evidence: evidence(),
    },
    says: ['suman 2.001', 'urna hay 2.010', 'incineraron 3', 'diferencia de -6'],
  },
  list_total: {
    alert: {
      rule: 'list_total',
      copy: 'claveros',
      numbers: { ballotNumber: 7, printedTotal: 1500, computed: 1490, difference: 10 },
      evidence: evidence(),
    },
    says: ['Lista 7', 'impreso es 1.500', 'suman 1.490'],
  },
  bounds: {
    alert: {
      rule: 'bounds',
      copy: 'claveros',
      numbers: { votes: 3000, sufragantes: 2500 },
      evidence: evidence(['votes.3', 'nivelacion.sufragantes']),
    },
    says: ['3.000 votos', '2.500 votantes', 'votos de la opción 3, votantes del E-11'],
  },
  capacity: {
    alert: {
      rule: 'capacity',
      copy: 'claveros',
      numbers: { habilitados: 1000, sufragantes: 1100, urna: null },
      evidence: evidence(['nivelacion.sufragantes']),
    },
    says: ['1.000 habilitados', '1.100 votantes', '? votos en la urna'],
  },
  pages: {
    alert: {
      rule: 'pages',
      copy: 'transmision',
      numbers: { missingPages: 1, expectedPages: 3, barcodePageCount: 2, pageCount: 3 },
      evidence: evidence(['barcode', 'pages']),
    },
    says: ['falta 1 de 3 páginas', 'indica 2 páginas y el acta tiene 3'],
  },
  header: {
    alert: { rule: 'header', copy: 'claveros', numbers: {}, evidence: evidence(['transmissionCode']) },
    says: ['código de transmisión', 'otra mesa'],
  },
  recount: {
    alert: { rule: 'recount', copy: 'claveros', numbers: {}, evidence: evidence(['recuento']) },
    says: ['recuento', 'solicitado por'],
  },
  signatures: {
    alert: {
      rule: 'signatures',
      copy: 'claveros',
      numbers: { juradosSigned: 1, minSignatures: 3 },
      evidence: evidence(['juradosSigned']),
    },
    says: ['1 de 6 casillas de jurado', 'al menos 3'],
  },
  corrections: {
    alert: {
      rule: 'corrections',
      copy: 'claveros',
      numbers: { cells: 2 },
      evidence: evidence(['votes.1', 'nivelacion.urna']),
    },
    says: ['2 casillas con tachones', 'votos de la opción 1, votos en la urna'],
  },
  confidence: {
    alert: {
      rule: 'confidence',
      copy: 'transmision',
      numbers: { cells: 3, illegible: 1, lowestConfidence: 0.412, threshold: 0.85 },
      evidence: evidence(['votes.2-4', 'blancos', 'nulos']),
    },
    says: ['3 casillas', '85', '41,2', 'votos de la opción 2-4, votos en blanco, votos nulos'],
  },
  copies_differ: {
    alert: {
      rule: 'copies_differ',
      copy: 'delegados',
      numbers: { fieldsDiffering: 1, copies: 3 },
      evidence: evidence(['candidate:6', 'urna'], {
        sources: [
          { formId: 1, source: 'e14', copy: 'claveros' },
          { formId: 2, source: 'e14', copy: 'delegados' },
          { formId: 3, source: 'e14', copy: 'transmision' },
        ],
      }),
    },
    says: [
      'copias (claveros, delegados, transmisión)',
      'votos del candidato (id 6), votos en la urna',
      'la de delegados es la que difiere',
    ],
  },
  official_differs: {
    alert: {
      rule: 'official_differs',
      copy: null,
      numbers: { fieldsDiffering: 2 },
      evidence: evidence(['votes.1', 'nulos'], {
        sources: [{ formId: 1, source: 'e14', copy: 'claveros' }, { source: 'preconteo' }, { source: 'escrutinio' }],
      }),
    },
    says: ['(claveros, preconteo, escrutinio)', 'votos de la opción 1, votos nulos'],
  },
  turnout_outlier: {
    alert: {
      rule: 'turnout_outlier',
      copy: null,
      numbers: { turnout: 0.9734, sufragantes: 1168, habilitados: 1200, zPuesto: 4.25, zMunicipio: null },
      evidence: evidence(['nivelacion.sufragantes']),
    },
    says: ['97,3', '1.168 de 1.200 habilitados', 'z robusta de 4,25 en el puesto'],
  },
  one_candidate: {
    alert: {
      rule: 'one_candidate',
      copy: null,
      numbers: { share: 0.981, votes: 1030, candidateVotes: 1050, turnout: 0.95, candidateId: 4 },
      evidence: evidence(),
    },
    says: ['98,1', 'de 1.050 votos', '95'],
  },
  identical_vectors: {
    alert: {
      rule: 'identical_vectors',
      copy: null,
      numbers: { identicalMesas: 2 },
      evidence: evidence([], { detail: { identicalTo: ['01-001-01-01-002'] } }),
    },
    says: ['mismos votos que 01-001-01-01-002'],
  },
  benford_second_digit: {
    alert: {
      rule: 'benford_second_digit',
      copy: null,
      numbers: { chiSquare: 31.456, n: 1520, critical: 21.67 },
      evidence: evidence(),
    },
    says: ['1.520 conteos', 'χ² 31,46 > 21,67', 'Benford'],
  },
  last_digit: {
    alert: {
      rule: 'last_digit',
      copy: null,
      numbers: { chiSquare: 25.5, n: 2048, repeatedPairRate: 0.2, adjacentPairRate: 0.1 },
      evidence: evidence(),
    },
    says: ['2.048 conteos', 'χ² 25,5'],
  },
};

/** Words of the API's English messages that a Spanish sentence never holds. */
const ENGLISH = /\b(the|and|of|but|than|differ|disagree|votes|rows|add up|copies|is|are|one)\b/i;

describe('alertMessage', () => {
  it('counts one cell in the singular', () => {
    const one = { ...CASES.corrections.alert, numbers: { cells: 1 }, evidence: evidence(['votes.6']) };
    expect(alertMessage(one)).toBe('Una casilla con tachones o enmendaduras: votos de la opción 6.');
  });

  it('has a case for every rule of the contracts', () => {
    expect(Object.keys(CASES).sort()).toEqual([...RULE_IDS].sort());
  });

  it.each(RULE_IDS)('says a %s alert in Spanish with its numbers formatted es-CO', (rule) => {
    const { alert, says } = CASES[rule];
    const message = alertMessage(alert);
    expect(message).not.toContain('aún no describe');
    for (const fragment of says) expect(message).toContain(fragment);
    expect(message).not.toMatch(ENGLISH);
  });

  it('names a field compared between sources by its sheet cell when given the link', () => {
    const { alert } = CASES.copies_differ;
    const links = [
      { field: 'candidate:6', path: 'votes.3-1' },
      { field: 'urna', path: 'nivelacion.urna' },
    ];
    expect(alertMessage(alert, links)).toContain('no coinciden en votos de la opción 3-1, votos en la urna;');
    expect(alertMessage(alert, [{ field: 'candidate:6', path: null }])).toContain('votos del candidato (id 6)');
  });

  it('names a rule it does not know in a generic Spanish sentence, never in English', () => {
    const message = alertMessage({ rule: 'ballot_stuffing_v9', copy: null, numbers: { x: 1 }, evidence: evidence() });
    expect(message).toContain('ballot_stuffing_v9');
    expect(message).toContain('aún no describe');
  });
});
