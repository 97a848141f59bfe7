/**
 * @castor/e14-synth: deterministic synthetic national elections with injected, labelled faults,
 * the test and benchmark corpus of the E-14 work. See README.md.
 */

export { PRESIDENTE_2026, type PresidentialCandidate2026 } from './ballots.js';
export {
  type ElectionCounts,
  GENERATOR_VERSION,
  type GeneratedSheet,
  type GenerateElectionOptions,
  generateElection,
  generateElectionOptionsSchema,
  type MesaTruth,
  mesaTruthSchema,
  type ResolvedElectionOptions,
  type SubmissionOptions,
  SyntheticElection,
} from './election.js';
export {
  DEFAULT_FAULT_RATES,
  digitSwaps,
  FAULT_KINDS,
  type FaultChange,
  type FaultKind,
  type FaultRates,
  faultChangeSchema,
  faultKindSchema,
  faultRatesSchema,
  type InjectedFault,
  injectedFaultSchema,
  NO_FAULTS,
  visibleFault,
} from './faults.js';
export { CONSULADOS_CODE, DEPARTAMENTOS, type DepartamentoProfile } from './geography.js';
export {
  formatOfficialCsv,
  formatOfficialRow,
  OFFICIAL_CSV_FORMAT,
  OFFICIAL_CSV_HEADER,
  OFFICIAL_SOURCES,
  OfficialCsvError,
  type OfficialRow,
  type OfficialSource,
  officialCsvLines,
  officialRowSchema,
  parseOfficialCsv,
  parseOfficialRow,
  RESIDUAL_OPTIONS,
  readOfficialCsv,
} from './official.js';
export { type ResolvedScale, type Scale, scaleSchema } from './scale.js';
export { type DetectionAlert, detectionAlertSchema, type RuleScore, scoreDetections } from './scoring.js';
export { BARCODE_COPY_DIGIT, type SubmissionSource, submissionJson } from './submission.js';
export type { NaturalSignal } from './voting.js';
