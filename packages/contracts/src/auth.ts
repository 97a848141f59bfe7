import { z } from 'zod';
import { decimalIntegerSchema, emailSchema, isoDateTimeSchema, uuidSchema } from './common.js';

export const ROLES = ['admin', 'analyst', 'reviewer', 'witness', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/**
 * Password policy after NIST SP 800-63B: length is what matters (12..128), no composition rules,
 * but refuse passwords made of one repeated character or a trivial sequence. The upper bound keeps
 * argon2 input bounded.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const TRIVIAL_PASSWORDS = new Set([
  'passwordpassword',
  '123456789012',
  '1234567890123',
  'qwertyuiopas',
  'contraseña123',
  'contrasena123',
  'castorcastor',
]);

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { message: `must be at most ${PASSWORD_MAX_LENGTH} characters` })
  .refine((value) => new Set(value).size >= 4, { message: 'must use at least 4 different characters' })
  .refine((value) => !TRIVIAL_PASSWORDS.has(value.toLowerCase()), { message: 'is too common' });

export const displayNameSchema = z.string().trim().min(1).max(120);

export const registerRequestSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: displayNameSchema,
  invitationToken: z
    .string()
    .min(20)
    .max(200)
    .optional()
    .describe('From an administrator; grants the invited role, and works when self-registration is off'),
});
export type RegisterRequest = z.input<typeof registerRequestSchema>;

export const loginRequestSchema = z.object({
  email: emailSchema,
  // Login must not reveal the policy of existing passwords: any non-empty string up to the max.
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
export type LoginRequest = z.input<typeof loginRequestSchema>;

export const refreshRequestSchema = z.object({
  refreshToken: z.string().min(20).max(200),
});

export const registerResponseSchema = z.object({ user: z.lazy(() => userSchema) });

export const userSchema = z.object({
  id: uuidSchema,
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: isoDateTimeSchema,
  lastLoginAt: isoDateTimeSchema.nullable(),
});
export type User = z.infer<typeof userSchema>;

export const tokenPairSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
  refreshToken: z.string(),
  refreshExpiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

export const authResponseSchema = tokenPairSchema.extend({ user: userSchema });
export type AuthResponse = z.infer<typeof authResponseSchema>;

/** Claims carried by every access token. */
export const accessTokenClaimsSchema = z.object({
  sub: uuidSchema,
  role: roleSchema,
  jti: z.string().min(8),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number(),
  exp: z.number(),
  nbf: z.number().optional(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

export const tokenInfoResponseSchema = z.object({
  sub: uuidSchema,
  role: roleSchema,
  expiresAt: isoDateTimeSchema,
});

export const jwkSchema = z
  .object({
    kty: z.string(),
    kid: z.string(),
    alg: z.string(),
    use: z.literal('sig'),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .loose();
export const jwksSchema = z.object({ keys: z.array(jwkSchema) });
export type Jwks = z.infer<typeof jwksSchema>;

export const revocationsQuerySchema = z.object({
  after: decimalIntegerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER }).default(0),
});
export const revocationsResponseSchema = z.object({
  revocations: z.array(z.object({ seq: z.number().int(), jti: z.string(), expiresAt: z.number().int() })),
  cursor: z.number().int(),
});
export type RevocationsResponse = z.infer<typeof revocationsResponseSchema>;

// ---- admin user management ----

export const listUsersQuerySchema = z.object({
  role: roleSchema.optional(),
  q: z.string().trim().max(120).optional(),
  limit: decimalIntegerSchema({ min: 1, max: 500 }).default(50),
  offset: decimalIntegerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER }).default(0),
});
export const userListResponseSchema = z.object({ users: z.array(userSchema), total: z.number().int() });

export const createInvitationRequestSchema = z.object({
  email: emailSchema,
  role: roleSchema,
});
export const invitationResponseSchema = z.object({
  email: z.string(),
  role: roleSchema,
  invitationToken: z.string().describe('Shown once: send it to the person out of band'),
  expiresAt: isoDateTimeSchema,
});

export const logoutRequestSchema = z.object({
  refreshToken: z.string().min(20).max(200).optional(),
  allSessions: z.boolean().default(false).describe('Sign out every session of this account'),
});

export const updateUserRequestSchema = z
  .object({
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    name: displayNameSchema.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'give at least one of role, disabled, name' });

export const userIdParamsSchema = z.object({ id: uuidSchema });

export const rotateKeyResponseSchema = z.object({
  activeKid: z.string().describe('The key signing now'),
  nextKid: z.string().describe('The new key, already published'),
  activatesAt: isoDateTimeSchema.describe('When the new key starts signing and the others retire'),
  retiredKids: z.array(z.string()).describe('Keys that retire at activation and verify until their tokens expire'),
});
