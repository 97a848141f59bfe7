import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  demoRequestSchema,
  emailSchema,
  loginRequestSchema,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordSchema,
  registerRequestSchema,
} from '../src/index.js';

describe('input schemas (property-based)', () => {
  it('never throw: any JSON value parses or fails cleanly', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const schema of [registerRequestSchema, loginRequestSchema, demoRequestSchema]) {
          const result = schema.safeParse(value);
          if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('normalise emails to trimmed lower case, idempotently', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.constantFrom('', ' ', '  '), (email, pad) => {
        const parsed = emailSchema.safeParse(`${pad}${email.toUpperCase()}${pad}`);
        if (!parsed.success) return; // fast-check's RFC addresses include forms our policy refuses
        expect(parsed.data).toBe(parsed.data.trim().toLowerCase());
        expect(emailSchema.parse(parsed.data)).toBe(parsed.data);
      }),
    );
  });

  it('accept every long, varied password and refuse every short or long one', () => {
    const varied = fc
      .string({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, unit: 'grapheme-ascii' })
      .filter((value) => new Set(value).size >= 4);
    fc.assert(
      fc.property(varied, (password) => {
        expect(passwordSchema.safeParse(password).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: PASSWORD_MIN_LENGTH - 1 }), (password) => {
        expect(passwordSchema.safeParse(password).success).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: PASSWORD_MAX_LENGTH + 1, maxLength: 400 }), (password) => {
        expect(passwordSchema.safeParse(password).success).toBe(false);
      }),
    );
  });

  it('reject a single repeated character however long', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 1 }),
        fc.integer({ min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }),
        (char, length) => {
          expect(passwordSchema.safeParse(char.repeat(length)).success).toBe(false);
        },
      ),
    );
  });

  it('keep the honeypot and timing fields optional in demo requests', () => {
    const base = { name: 'Ana María', email: 'ana@campana.co' };
    expect(demoRequestSchema.parse(base)).toMatchObject({ role: 'other' });
    expect(demoRequestSchema.safeParse({ ...base, formOpenedMs: -1 }).success).toBe(false);
    expect(demoRequestSchema.safeParse({ ...base, phone: '+57 (300) 123-4567' }).success).toBe(true);
    expect(demoRequestSchema.safeParse({ ...base, phone: 'call me' }).success).toBe(false);
  });
});
