import { z } from 'zod';

/** What a provider is asked to produce: a JSON object schema, and how to get T back from it. */
export interface StructuredOutput {
  /** A JSON Schema whose root is an object (both APIs require one). */
  jsonSchema: { type: 'object' } & Record<string, unknown>;
  /** True when the schema fits OpenAI's strict structured outputs (closed objects, every property required). */
  strict: boolean;
  /** The value to validate with the caller's schema. */
  unwrap(json: unknown): unknown;
}

const outputs = new WeakMap<z.ZodType, StructuredOutput>();

function toObjectJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

function fitsStrictMode(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(fitsStrictMode);
  if (typeof node !== 'object' || node === null) return true;
  const record = node as Record<string, unknown>;
  if (record.type === 'object' || record.properties !== undefined) {
    const required = new Set((record.required as string[] | undefined) ?? []);
    const properties = Object.keys((record.properties as object | undefined) ?? {});
    if (record.additionalProperties !== false || !properties.every((name) => required.has(name))) return false;
  }
  return Object.values(record).every(fitsStrictMode);
}

/**
 * The JSON Schema sent to the provider, generated from the zod schema that validates the answer,
 * so the two cannot drift. A schema whose root is not an object (an enum label, a list) is asked
 * for as `{ value: ... }` and unwrapped. Computed once per schema.
 */
export function structuredOutputOf(schema: z.ZodType): StructuredOutput {
  const known = outputs.get(schema);
  if (known) return known;
  const direct = toObjectJsonSchema(schema);
  const wrapped = direct.type !== 'object';
  const jsonSchema = (
    wrapped ? toObjectJsonSchema(z.object({ value: schema })) : direct
  ) as StructuredOutput['jsonSchema'];
  const output: StructuredOutput = {
    jsonSchema,
    strict: fitsStrictMode(jsonSchema),
    unwrap: wrapped
      ? (json) => (typeof json === 'object' && json !== null ? (json as { value?: unknown }).value : undefined)
      : (json) => json,
  };
  outputs.set(schema, output);
  return output;
}

/** A task name as both APIs accept it for a schema or tool name (^[a-zA-Z0-9_-]{1,64}$). */
export const outputName = (task: string) => task.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer';
