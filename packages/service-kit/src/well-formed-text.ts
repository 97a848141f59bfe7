import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { httpError } from './errors.js';

/** A UTF-16 surrogate that is not half of a pair: not a character, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL would refuse `text` (in text columns and in jsonb alike), or undefined when it is fine. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which text may not contain';
  if (LONE_SURROGATE.test(text))
    return 'contains an unpaired UTF-16 surrogate (such as \\uD800), which is not valid Unicode';
  return undefined;
}

/** One value still to look at, with how it was reached (the path is spelled out only for a failure). */
interface Visit {
  value: unknown;
  key: string;
  parent: Visit | undefined;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * Parsed JSON: arrays and plain objects. Buffers, streams and the like hold no text to check.
 * Fastify builds params and the query string as maps of its own classes, so `anyObject` lets their
 * root through.
 */
function isContainer(value: unknown, anyObject: boolean): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (anyObject || Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The first string (or object key) in `root` that PostgreSQL cannot store, as a validation issue.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
function findIllFormedText(root: unknown, part: string): { path: string; message: string } | undefined {
  const pending: Visit[] = [{ value: root, key: part, parent: undefined }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { path: pathOf(visit), message: problem };
    } else if (isContainer(value, visit.parent === undefined && part !== 'body')) {
      // Pushed in reverse so that values are visited, and the first bad one reported, in document order.
      const keys = Object.keys(value);
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index] as string;
        const problem = textProblem(key);
        if (problem) return { path: pathOf(visit), message: `has a key that ${problem}` };
        pending.push({ value: value[key], key, parent: visit });
      }
    }
  }
  return undefined;
}

/**
 * preValidation hook for every route of every service: a NUL or a lone surrogate anywhere in the
 * params, the query string or the parsed body is refused with 400 VALIDATION_FAILED naming where it
 * is. Checked here once, before any route schema, because PostgreSQL refuses both (a 500 deep in a
 * repository otherwise) and no route needs them.
 */
export function rejectIllFormedText(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  const parts: [string, unknown][] = [
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ];
  for (const [part, value] of parts) {
    const issue = findIllFormedText(value, part);
    if (issue) {
      done(httpError('VALIDATION_FAILED', `${issue.path} ${issue.message}`, { issues: [issue] }));
      return;
    }
  }
  done();
}
