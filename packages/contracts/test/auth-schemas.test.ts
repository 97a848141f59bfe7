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

/** Passwords the policy calls too common (auth.ts), in the lower case it compares them in. */
const TRIVIAL = ['passwordpassword', '123456789012', 'qwertyuiopas', 'contraseña123', 'castorcastor'];

describe('input schemas (property-based)', () => {
  it('keep their promises on whatever they accept: normalised email, untouched password within bounds, trimmed names, stable on re-parse', () => {
    const padding = fc.constantFrom('', ' ', '\t', ' \n ');
    const randomCase = (text: string) =>
      fc
        .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
        .map((upper) => [...text].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join(''));
    // Near-valid inputs, so that a good share is accepted and the promises are really exercised.
    const email = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            padding,
            fc.stringMatching(/^[a-z0-9]([a-z0-9_+-]|\.[a-z0-9]){0,15}@[a-z0-9][a-z0-9-]{0,11}(\.[a-z]{2,5}){1,2}$/),
            padding,
          )
          .chain(([before, address, after]) => randomCase(address).map((cased) => `${before}${cased}${after}`)),
      },
      { weight: 1, arbitrary: fc.emailAddress() },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    );
    const password = fc.oneof(
      fc.string({ minLength: 8, maxLength: PASSWORD_MAX_LENGTH + 8 }),
      fc.string({ minLength: 8, maxLength: PASSWORD_MAX_LENGTH + 8, unit: 'binary' }),
      fc.tuple(padding, fc.string({ minLength: PASSWORD_MIN_LENGTH, maxLength: 40 }), padding).map((p) => p.join('')),
      fc.constantFrom(...TRIVIAL).chain(randomCase),
    );
    const name = fc.tuple(padding, fc.string({ maxLength: 125 }), padding).map((parts) => parts.join(''));
    const request = fc.record(
      {
        email,
        password,
        name,
        invitationToken: fc.string({ minLength: 15, maxLength: 210 }),
        phone: fc.tuple(padding, fc.stringMatching(/^\+?[0-9 ()-]{5,22}$/), padding).map((parts) => parts.join('')),
      },
      { requiredKeys: ['email', 'password', 'name'] },
    );
    const normalisedEmail = (out: string, input: string) => {
      expect(out).toBe(input.trim().toLowerCase());
      expect(out).toBe(out.trim().toLowerCase());
      expect(out.length).toBeLessThanOrEqual(254);
    };
    const accepted = { register: 0, login: 0, demo: 0 };
    fc.assert(
      fc.property(request, (input) => {
        const register = registerRequestSchema.safeParse(input);
        if (register.success) {
          accepted.register += 1;
          const out = register.data;
          normalisedEmail(out.email, input.email);
          expect(out.password).toBe(input.password); // a password is never altered, not even trimmed
          expect(out.password.length).toBeGreaterThanOrEqual(PASSWORD_MIN_LENGTH);
          expect(out.password.length).toBeLessThanOrEqual(PASSWORD_MAX_LENGTH);
          expect(new Set(out.password).size).toBeGreaterThanOrEqual(4);
          expect(TRIVIAL).not.toContain(out.password.toLowerCase());
          expect(out.name).toBe(input.name.trim());
          expect(out.name.length).toBeGreaterThanOrEqual(1);
          expect(out.name.length).toBeLessThanOrEqual(120);
          if (out.invitationToken !== undefined) {
            expect(out.invitationToken).toBe(input.invitationToken);
            expect(out.invitationToken.length).toBeGreaterThanOrEqual(20);
            expect(out.invitationToken.length).toBeLessThanOrEqual(200);
          }
          expect(registerRequestSchema.parse(out)).toEqual(out);
        }
        const login = loginRequestSchema.safeParse(input);
        if (login.success) {
          accepted.login += 1;
          normalisedEmail(login.data.email, input.email);
          expect(login.data.password).toBe(input.password);
          expect(login.data.password.length).toBeGreaterThanOrEqual(1);
          expect(login.data.password.length).toBeLessThanOrEqual(PASSWORD_MAX_LENGTH);
          expect(loginRequestSchema.parse(login.data)).toEqual(login.data);
        }
        const demo = demoRequestSchema.safeParse(input);
        if (demo.success) {
          accepted.demo += 1;
          normalisedEmail(demo.data.email, input.email);
          expect(demo.data.name).toBe(input.name.trim());
          expect(demo.data.name.length).toBeGreaterThanOrEqual(2);
          expect(demo.data.role).toBe('other');
          if (demo.data.phone !== undefined) {
            expect(demo.data.phone).toBe(input.phone?.trim());
            expect(demo.data.phone).toMatch(/^\+?[0-9 ()-]{7,20}$/);
          }
          expect(demoRequestSchema.parse(demo.data)).toEqual(demo.data);
        }
      }),
      { numRuns: 300 },
    );
    // The properties above are vacuous unless each schema accepted a fair share of the inputs.
    expect(accepted.register).toBeGreaterThan(20);
    expect(accepted.login).toBeGreaterThan(50);
    expect(accepted.demo).toBeGreaterThan(50);
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
