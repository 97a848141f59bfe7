import {
  DEFAULT_RULE_PARAMS,
  type RuleConfig,
  type RuleFinding,
  type RuleId,
  type RuleParams,
  ruleConfigSchema,
  type Severity,
} from '@castor/contracts';

export interface RuleDefinition {
  id: RuleId;
  /** Bumped whenever the rule's logic changes; every alert records the version that raised it. */
  version: number;
  severity: Severity;
  scope: 'sheet' | 'sources' | 'mesas';
  formula: string;
}

/**
 * Every rule CASTOR applies (docs/e14.md "Rules" and the forensic signals). E11 = sufragantes, U = urna,
 * I = incinerados, c_j = candidate/list rows, B/N/M = blancos/nulos/no marcados, S = suma total,
 * H = habilitados, τ = E11 / H.
 */
export const RULES: Record<RuleId, RuleDefinition> = {
  nivelacion: {
    id: 'nivelacion',
    version: 1,
    severity: 'high',
    scope: 'sheet',
    formula: 'U ≤ E11; if U > E11 then U − I = E11',
  },
  printed_sum: { id: 'printed_sum', version: 1, severity: 'high', scope: 'sheet', formula: 'Σc_j + B + N + M = S' },
  urn_sum: { id: 'urn_sum', version: 1, severity: 'high', scope: 'sheet', formula: 'Σc_j + B + N + M = U − I' },
  list_total: {
    id: 'list_total',
    version: 1,
    severity: 'high',
    scope: 'sheet',
    formula: 'T = v_agrupación + Σ v_candidato (con preferente); T = v_agrupación (sin)',
  },
  bounds: { id: 'bounds', version: 1, severity: 'high', scope: 'sheet', formula: '0 ≤ value ≤ 999; c_j ≤ E11' },
  capacity: { id: 'capacity', version: 1, severity: 'critical', scope: 'sheet', formula: 'E11 ≤ H; U ≤ H' },
  pages: {
    id: 'pages',
    version: 1,
    severity: 'warning',
    scope: 'sheet',
    formula:
      'pages 1..NN all present; same KIT and transmission code on every page; barcode corporation and copy = printed',
  },
  header: {
    id: 'header',
    version: 1,
    severity: 'high',
    scope: 'sheet',
    formula: "transmission code on the sheet = the divipol's code for the mesa",
  },
  recount: {
    id: 'recount',
    version: 1,
    severity: 'warning',
    scope: 'sheet',
    formula: 'recuento SÍ ⇒ "solicitado por" filled',
  },
  signatures: {
    id: 'signatures',
    version: 1,
    severity: 'warning',
    scope: 'sheet',
    formula: 'signed JURADO boxes ≥ minSignatures (none ⇒ high)',
  },
  corrections: {
    id: 'corrections',
    version: 1,
    severity: 'warning',
    scope: 'sheet',
    formula: 'tachadura/enmendadura on a cell ⇒ review',
  },
  confidence: {
    id: 'confidence',
    version: 1,
    severity: 'warning',
    scope: 'sheet',
    formula: 'a field illegible or read below the confidence threshold (0.70) ⇒ review',
  },
  copies_differ: {
    id: 'copies_differ',
    // Version 2: only values both copies hold as settled (none a machine read in doubt) are compared.
    version: 2,
    severity: 'high',
    scope: 'sources',
    formula: 'claveros = delegados = transmisión (and every source of a copy), field by field, on settled values',
  },
  official_differs: {
    id: 'official_differs',
    // Version 2: an E-14 value a machine read in doubt is not compared until a person settles it.
    version: 2,
    severity: 'high',
    scope: 'sources',
    formula: 'E-14 truth = preconteo = escrutinio per mesa and option, on settled values',
  },
  turnout_outlier: {
    id: 'turnout_outlier',
    version: 1,
    severity: 'warning',
    scope: 'mesas',
    formula:
      'τ > 1 (critical); τ ≥ 0.95; robust |z| > 3.5 (median/MAD) within the puesto or municipio with |τ − median| ≥ 0.10',
  },
  one_candidate: {
    id: 'one_candidate',
    version: 1,
    severity: 'warning',
    scope: 'mesas',
    formula: 'one option ≥ 95 % of the candidate votes with τ ≥ 0.9',
  },
  identical_vectors: {
    id: 'identical_vectors',
    version: 1,
    severity: 'warning',
    scope: 'mesas',
    formula: 'two mesas of one puesto with the same vote vector (options + B + N + M, at least 10 votes)',
  },
  benford_second_digit: {
    id: 'benford_second_digit',
    version: 1,
    severity: 'info',
    scope: 'mesas',
    formula: 'χ²(second digit of counts ≥ 10 vs Benford) > 16.92 (9 d.f.) per municipio, at least 30 counts',
  },
  last_digit: {
    id: 'last_digit',
    version: 1,
    severity: 'info',
    scope: 'mesas',
    formula: 'χ²(last digit of counts ≥ 10 vs uniform) > 16.92 (9 d.f.) per municipio, at least 50 counts',
  },
};

/** The effective configuration of one corporation: corporation settings over election settings over defaults. */
export interface EffectiveRules {
  params: RuleParams;
  enabled(rule: RuleId): boolean;
  severity(rule: RuleId, fallback?: Severity): Severity;
  /** Applies the configured severity override and drops findings of disabled rules. */
  apply(findings: RuleFinding[]): RuleFinding[];
}

export function effectiveRules(electionConfig: unknown, corporationConfig: unknown): EffectiveRules {
  const election: RuleConfig = ruleConfigSchema.parse(electionConfig ?? {});
  const corporation: RuleConfig = ruleConfigSchema.parse(corporationConfig ?? {});
  const params: RuleParams = { ...DEFAULT_RULE_PARAMS, ...election.params, ...corporation.params };
  const setting = (rule: RuleId) => ({ ...election.rules[rule], ...corporation.rules[rule] });
  const enabled = (rule: RuleId) => setting(rule).enabled !== false;
  const severity = (rule: RuleId, fallback?: Severity) => setting(rule).severity ?? fallback ?? RULES[rule].severity;
  return {
    params,
    enabled,
    severity,
    apply: (findings) =>
      findings
        .filter((finding) => enabled(finding.rule))
        .map((finding) => ({ ...finding, severity: setting(finding.rule).severity ?? finding.severity })),
  };
}

export const BLOCKING_SEVERITIES: ReadonlySet<Severity> = new Set(['high', 'critical']);
