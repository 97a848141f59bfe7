import type { Alert, Copy } from '@castor/contracts';
import { type AlertFacts, alertWording as words } from './es-CO.js';

/** What an alert's sentence is built from; `rule` is any string, so a rule this package does not know yet still reads. */
export type AlertText = Pick<Alert, 'numbers' | 'evidence' | 'copy'> & { rule: string };

const count = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 2 });
const share = new Intl.NumberFormat('es-CO', { style: 'percent', maximumFractionDigits: 1 });
const UNKNOWN = '?';

const messages: Readonly<Record<string, ((facts: AlertFacts) => string) | undefined>> = words.messages;

/**
 * A cell of the form in words: "votos en la urna", "votos de la opción 3-1" (a sheet's row), "votos
 * del candidato (id 7)" (a difference between sources); the path itself when unknown.
 */
export function fieldName(path: string): string {
  const option = /^votes\.(.+)$/.exec(path)?.[1];
  if (option) return words.optionField(option);
  const candidate = /^candidate:(\d+)$/.exec(path)?.[1];
  if (candidate) return words.candidateField(candidate);
  return words.fieldNames[path] ?? path;
}

/** A number of an alert by its name in Spanish; the API's name when it has none. */
export const numberName = (name: string): string => words.numberNames[name] ?? name;

/** A copy in words, inside a sentence ("la de delegados"). */
const copyName = (copy: Copy) => words.copies[copy].toLocaleLowerCase('es-CO');

/** A copy or source in words, inside a sentence: the copies by their Spanish name, a feed (preconteo, escrutinio) as it is. */
function sourceName(source: { source: string; copy?: Copy | undefined }): string {
  if (source.copy) return copyName(source.copy);
  return source.source === 'e14' ? 'E-14' : source.source;
}

/** The mesas a signal compares the mesa with, from its detail, or their count. */
function othersOf(alert: AlertText): string {
  const detail = alert.evidence.detail as { identicalTo?: unknown } | undefined;
  const listed = Array.isArray(detail?.identicalTo) ? detail.identicalTo.filter((key) => typeof key === 'string') : [];
  if (listed.length > 0) return listed.join(', ');
  const mesas = alert.numbers.identicalMesas;
  return words.otherMesas(typeof mesas === 'number' ? count.format(mesas - 1) : UNKNOWN);
}

function factsOf(alert: AlertText): AlertFacts {
  const value = (name: string) => alert.numbers[name] ?? null;
  return {
    number: (name) => {
      const number = value(name);
      return number === null ? UNKNOWN : count.format(number);
    },
    percent: (name) => {
      const number = value(name);
      return number === null ? UNKNOWN : share.format(number);
    },
    has: (name) => value(name) !== null,
    value,
    fields: alert.evidence.fields.map(fieldName).join(', ') || UNKNOWN,
    sources: [...new Set(alert.evidence.sources.map(sourceName))].join(', ') || UNKNOWN,
    oddCopy: alert.copy ? copyName(alert.copy) : null,
    others: othersOf(alert),
  };
}

/** A field an alert comparing sources names (`candidate:7`) and the sheet cell it is read from (`votes.3-1`). */
export interface ComparedField {
  field: string;
  path: string | null;
}

/**
 * An alert in Spanish from its rule and numbers (the API's `message` is English, for logs and
 * machines): the rule's sentence, or a generic one naming a rule it does not know. Given the
 * mesa's compared fields (a claims packet's `comparedFields`), a field compared between sources
 * is named by its sheet cell ("votos de la opción 3-1" rather than the candidate's id).
 */
export function alertMessage(alert: AlertText, comparedFields: readonly ComparedField[] = []): string {
  const message = messages[alert.rule];
  if (!message) return words.unknownRuleMessage(alert.rule);
  const pathOf = new Map(comparedFields.map((link) => [link.field, link.path]));
  const fields = alert.evidence.fields.map((field) => pathOf.get(field) ?? field);
  return message(factsOf({ ...alert, evidence: { ...alert.evidence, fields } }));
}
