import type { ALERT_STATUSES, Copy, MesaStatus, RuleId, Severity } from '@castor/contracts';

/**
 * What an alert's Spanish sentence is made of (alert-message.ts builds it from the alert's rule,
 * numbers and evidence): its numbers formatted es-CO, its cells and sources in words.
 */
export interface AlertFacts {
  /** The number `name` of the alert, formatted es-CO; '?' when it has none. */
  number: (name: string) => string;
  /** The share `name` (0 to 1) as a percentage; '?' when it has none. */
  percent: (name: string) => string;
  /** Whether the alert carries the number `name`. */
  has: (name: string) => boolean;
  /** The number `name` itself (null when it has none), to choose singular or plural. */
  value: (name: string) => number | null;
  /** The cells the alert names, in words. */
  fields: string;
  /** The copies or sources it compares, in words. */
  sources: string;
  /** The copy that disagrees with the others, in words; null when none stands out. */
  oddCopy: string | null;
  /** The other mesas it compares the mesa with. */
  others: string;
}

/**
 * An alert and its evidence in Spanish (es-CO), in one place for every reader: the web app shows
 * these words, and the claims packet a lawyer files prints the same ones.
 */
export const alertWording = {
  rules: {
    nivelacion: 'Nivelación de la mesa',
    printed_sum: 'Suma de votos impresa',
    urn_sum: 'Votos en la urna',
    list_total: 'Total de la lista',
    bounds: 'Valores fuera de rango',
    capacity: 'Más votos que habilitados',
    pages: 'Páginas del acta',
    header: 'Encabezado del acta',
    recount: 'Recuento',
    signatures: 'Firmas de jurados',
    corrections: 'Tachones o enmendaduras',
    confidence: 'Lectura de baja confianza',
    copies_differ: 'Las copias difieren',
    official_differs: 'Difiere del dato oficial',
    turnout_outlier: 'Participación atípica',
    one_candidate: 'Votación concentrada en un candidato',
    identical_vectors: 'Resultados idénticos entre mesas',
    benford_second_digit: 'Segundo dígito (Benford)',
    last_digit: 'Último dígito',
  } satisfies Record<RuleId, string>,
  severities: {
    critical: 'Crítica',
    high: 'Alta',
    warning: 'Advertencia',
    info: 'Informativa',
  } satisfies Record<Severity, string>,
  statuses: { open: 'Abierta', acknowledged: 'Reconocida', resolved: 'Descartada' } satisfies Record<
    (typeof ALERT_STATUSES)[number],
    string
  >,
  /** A mesa's status, and a form version's (validated, needs_review, failed_rules). */
  mesaStatuses: {
    validated: 'Validada',
    needs_review: 'En revisión',
    failed_rules: 'Reglas incumplidas',
    disputed: 'En disputa',
  } satisfies Record<MesaStatus, string>,
  copies: {
    claveros: 'Claveros',
    delegados: 'Delegados',
    transmision: 'Transmisión',
    consul_embajador: 'Cónsul o embajador',
  } satisfies Record<Copy, string>,
  /** Each rule's alert in one sentence, from its numbers: the API's own message is English. */
  messages: {
    nivelacion: (f: AlertFacts) =>
      `Los votos en la urna (${f.number('urna')}) superan a los votantes del E-11 (${f.number('sufragantes')}) y los incinerados (${f.number('incinerados')}) no los nivelan: sobran ${f.number('excess')}.`,
    printed_sum: (f: AlertFacts) =>
      `Las filas suman ${f.number('computed')} pero la suma total impresa es ${f.number('sumaTotal')} (diferencia de ${f.number('difference')}).`,
    urn_sum: (f: AlertFacts) =>
      `Las filas suman ${f.number('computed')} pero en la urna hay ${f.number('urna')} votos y se incineraron ${f.number('incinerados')} (diferencia de ${f.number('difference')}).`,
    list_total: (f: AlertFacts) =>
      `Lista ${f.number('ballotNumber')}: el total impreso es ${f.number('printedTotal')} pero la agrupación y sus candidatos suman ${f.number('computed')}.`,
    bounds: (f: AlertFacts) =>
      `Una fila tiene ${f.number('votes')} votos, más que los ${f.number('sufragantes')} votantes del E-11 (${f.fields}).`,
    capacity: (f: AlertFacts) =>
      `La mesa tiene ${f.number('habilitados')} habilitados pero el acta registra ${f.number('sufragantes')} votantes del E-11 y ${f.number('urna')} votos en la urna.`,
    pages: (f: AlertFacts) => {
      const problems = [
        ...(f.has('missingPages')
          ? [
              `${f.value('missingPages') === 1 ? 'falta' : 'faltan'} ${f.number('missingPages')} de ${f.number('expectedPages')} páginas`,
            ]
          : []),
        ...(f.has('barcodePageCount')
          ? [
              `el código de barras indica ${f.number('barcodePageCount')} páginas y el acta tiene ${f.number('pageCount')}`,
            ]
          : []),
        ...(f.has('barcodeCorporationDigit') ? ['el código de barras es de otra corporación'] : []),
        ...(f.has('barcodeCopyDigit') ? ['el código de barras es de otra copia'] : []),
      ];
      return `Las páginas o el código de barras no corresponden al acta${problems.length > 0 ? `: ${problems.join('; ')}` : ''}.`;
    },
    header: () =>
      'El código de transmisión impreso no es el de esta mesa en la divipol: el acta puede ser de otra mesa.',
    recount: () => 'Se marcó recuento (HUBO RECUENTO: SÍ) pero «solicitado por» está vacío.',
    signatures: (f: AlertFacts) =>
      `${f.number('juradosSigned')} de 6 casillas de jurado firmadas (se esperan al menos ${f.number('minSignatures')}).`,
    corrections: (f: AlertFacts) =>
      f.value('cells') === 1
        ? `Una casilla con tachones o enmendaduras: ${f.fields}.`
        : `${f.number('cells')} casillas con tachones o enmendaduras: ${f.fields}.`,
    confidence: (f: AlertFacts) =>
      `${f.value('cells') === 1 ? 'Una casilla ilegible o leída' : `${f.number('cells')} casillas ilegibles o leídas`} con confianza menor al ${f.percent('threshold')} (la menor, ${f.percent('lowestConfidence')}): ${f.fields}.`,
    copies_differ: (f: AlertFacts) =>
      `Las copias (${f.sources}) no coinciden en ${f.fields}${f.oddCopy ? `; la de ${f.oddCopy} es la que difiere` : ''}.`,
    official_differs: (f: AlertFacts) => `El acta y los datos oficiales (${f.sources}) no coinciden en ${f.fields}.`,
    turnout_outlier: (f: AlertFacts) =>
      `Participación del ${f.percent('turnout')} (${f.number('sufragantes')} de ${f.number('habilitados')} habilitados)${f.has('zPuesto') ? `; z robusta de ${f.number('zPuesto')} en el puesto` : ''}${f.has('zMunicipio') ? `; z robusta de ${f.number('zMunicipio')} en el municipio` : ''}.`,
    one_candidate: (f: AlertFacts) =>
      `Una opción tiene el ${f.percent('share')} de ${f.number('candidateVotes')} votos, con una participación del ${f.percent('turnout')}.`,
    identical_vectors: (f: AlertFacts) =>
      `La mesa tiene exactamente los mismos votos que ${f.others} en el mismo puesto.`,
    benford_second_digit: (f: AlertFacts) =>
      `Los segundos dígitos de ${f.number('n')} conteos del municipio se apartan de la ley de Benford (χ² ${f.number('chiSquare')} > ${f.number('critical')}); sola, es una evidencia débil.`,
    last_digit: (f: AlertFacts) =>
      `Los últimos dígitos de ${f.number('n')} conteos del municipio no son uniformes (χ² ${f.number('chiSquare')}).`,
  } satisfies Record<RuleId, (facts: AlertFacts) => string>,
  unknownRuleMessage: (rule: string) =>
    `Alerta de una regla que esta versión de CASTOR aún no describe (${rule}): revise sus números y su evidencia.`,
  otherMesas: (count: string) => `otras ${count} mesas`,
  /** The cells an alert names, by their path in the form. */
  fieldNames: {
    sufragantes: 'votantes del E-11',
    urna: 'votos en la urna',
    incinerados: 'votos incinerados',
    'nivelacion.sufragantes': 'votantes del E-11',
    'nivelacion.urna': 'votos en la urna',
    'nivelacion.incinerados': 'votos incinerados',
    blancos: 'votos en blanco',
    nulos: 'votos nulos',
    noMarcados: 'votos no marcados',
    sumaTotal: 'suma total',
    juradosSigned: 'firmas de jurados',
    transmissionCode: 'código de transmisión',
    recuento: 'recuento',
    barcode: 'código de barras',
    pages: 'páginas',
  } as Record<string, string | undefined>,
  optionField: (option: string) => `votos de la opción ${option}`,
  candidateField: (id: string) => `votos del candidato (id ${id})`,
  /** The numbers an alert carries, by their name in the API. */
  numberNames: {
    sufragantes: 'Votantes del E-11',
    urna: 'Votos en la urna',
    incinerados: 'Votos incinerados',
    excess: 'Exceso sobre el E-11',
    candidateVotes: 'Votos por candidatos',
    blancos: 'Votos en blanco',
    nulos: 'Votos nulos',
    noMarcados: 'Votos no marcados',
    computed: 'Suma calculada',
    sumaTotal: 'Suma total impresa',
    difference: 'Diferencia',
    ballotNumber: 'Número de la lista',
    printedTotal: 'Total impreso',
    votes: 'Votos de la fila',
    habilitados: 'Habilitados',
    barcodeCorporationDigit: 'Dígito de corporación en el código',
    expectedCorporationDigit: 'Dígito de corporación esperado',
    barcodeCopyDigit: 'Dígito de copia en el código',
    barcodePageCount: 'Páginas según el código',
    pageCount: 'Páginas del acta',
    missingPages: 'Páginas faltantes',
    expectedPages: 'Páginas esperadas',
    juradosSigned: 'Jurados que firmaron',
    minSignatures: 'Firmas mínimas',
    cells: 'Casillas',
    illegible: 'Ilegibles',
    lowestConfidence: 'Menor confianza',
    threshold: 'Umbral de confianza',
    fieldsDiffering: 'Datos que difieren',
    copies: 'Copias comparadas',
    turnout: 'Participación',
    zPuesto: 'z robusta en el puesto',
    zMunicipio: 'z robusta en el municipio',
    share: 'Proporción de la opción',
    candidateId: 'Candidato (id)',
    identicalMesas: 'Mesas idénticas',
    chiSquare: 'χ²',
    n: 'Conteos',
    critical: 'Valor crítico',
    repeatedPairRate: 'Pares repetidos',
    adjacentPairRate: 'Pares adyacentes',
  } as Record<string, string | undefined>,
  /** Where a version of the acta came from, as the claims packet names it. */
  sources: {
    ocr: 'Escaneo',
    witness: 'Testigo',
    partner: 'Aliado',
    reviewer: 'Revisión',
    preconteo: 'Preconteo',
    escrutinio: 'Escrutinio',
  } as Record<string, string | undefined>,
};
