import { z } from 'zod';

/** Tokens of one call, as the provider billed them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

export const modelPriceSchema = z.object({
  inputPerMTok: z.number().min(0),
  outputPerMTok: z.number().min(0),
  cacheWritePerMTok: z.number().min(0),
  cacheReadPerMTok: z.number().min(0),
});
/** US dollars per million tokens. */
export type ModelPrice = z.infer<typeof modelPriceSchema>;
export const pricingTableSchema = z.record(z.string().min(1), modelPriceSchema);

const price = (input: number, output: number, cacheWrite: number, cacheRead: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheWritePerMTok: cacheWrite,
  cacheReadPerMTok: cacheRead,
});

/**
 * Anthropic's list prices (USD per million tokens; cache writes at the 5-minute rate) as published
 * in November 2026. Prices change: override them with `ANTHROPIC_PRICING_JSON` or the `pricing`
 * option rather than editing code. Haiku 5.5 is priced for prompts up to 100k tokens, which an
 * E-14 page never approaches.
 */
export const ANTHROPIC_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-5': price(5, 25, 6.25, 0.5),
  'claude-sonnet-5-5': price(2, 10, 2.5, 0.1),
  'claude-sonnet-5': price(2, 10, 2.5, 0.2),
  'claude-haiku-5-5': price(0.1, 0.5, 0.125, 0.01),
  'claude-opus-4-5': price(5, 25, 6.25, 0.5),
  'claude-sonnet-4-6': price(3, 15, 3.75, 0.3),
  'claude-sonnet-4-5': price(3, 15, 3.75, 0.3),
  'claude-haiku-4-5': price(1, 5, 1.25, 0.1),
};

/** A dated snapshot ("claude-haiku-4-5-20251001", "gpt-4o-2024-08-06") is billed like its alias. */
const DATED_SNAPSHOT = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

export class PricingTable {
  private readonly prices: Map<string, ModelPrice>;

  constructor(prices: Readonly<Record<string, ModelPrice>>) {
    this.prices = new Map(Object.entries(pricingTableSchema.parse(prices)));
  }

  /** The defaults with `overrides` on top. */
  static withOverrides(
    defaults: Readonly<Record<string, ModelPrice>>,
    overrides: Readonly<Record<string, ModelPrice>> = {},
  ) {
    return new PricingTable({ ...defaults, ...overrides });
  }

  priceOf(model: string): ModelPrice | undefined {
    return this.prices.get(model) ?? this.prices.get(model.replace(DATED_SNAPSHOT, ''));
  }

  /** Cost in USD, or null when the model has no price (recorded as unpriced, never as free). */
  costOf(model: string, usage: TokenUsage): number | null {
    const modelPrice = this.priceOf(model);
    if (!modelPrice) return null;
    return (
      (usage.inputTokens * modelPrice.inputPerMTok +
        usage.outputTokens * modelPrice.outputPerMTok +
        usage.cacheWriteTokens * modelPrice.cacheWritePerMTok +
        usage.cacheReadTokens * modelPrice.cacheReadPerMTok) /
      1_000_000
    );
  }
}

/** Parses a `{model: price}` table from an environment variable; throws naming the variable. */
export function pricingFromEnv(variable: string, raw: string | undefined): Record<string, ModelPrice> {
  if (!raw) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`invalid environment: ${variable} is not JSON`);
  }
  const pricing = pricingTableSchema.safeParse(json);
  if (!pricing.success) throw new Error(`invalid environment: ${variable}: ${pricing.error.issues[0]?.message}`);
  return pricing.data;
}
