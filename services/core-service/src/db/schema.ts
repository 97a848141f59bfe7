import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
};
const ROLE_CHECK = sql`role IN ('admin', 'analyst', 'reviewer', 'witness', 'viewer')`;
/** A CASTOR role (`<table>_role_check` keeps it one of ROLE_CHECK's). */
const roleColumn = () => text('role').notNull();
const roleCheck = (table: string) => check(`${table}_role_check`, ROLE_CHECK);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: roleColumn(),
    disabled: boolean('disabled').notNull().default(false),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('users_email_key').on(table.email), roleCheck('users')],
);

/**
 * Opaque refresh tokens, stored as SHA-256 hashes. Each login starts a family; every refresh
 * marks its token used and issues the next one in the family. Presenting a used token again is
 * reuse, which revokes the family. `accessJti` lets us revoke the access token issued alongside.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    parentId: uuid('parent_id'),
    tokenHash: text('token_hash').notNull(),
    accessJti: text('access_jti').notNull(),
    accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }).notNull(),
    ...timestamps,
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
  },
  (table) => [
    uniqueIndex('refresh_tokens_hash_key').on(table.tokenHash),
    index('refresh_tokens_family_idx').on(table.familyId),
    index('refresh_tokens_user_idx').on(table.userId),
  ],
);

/** Revoked access tokens: the feed other services poll (`seq` is the cursor). */
export const revokedAccessTokens = pgTable(
  'revoked_access_tokens',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    jti: text('jti').notNull(),
    userId: uuid('user_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull().defaultNow(),
    reason: text('reason').notNull(),
  },
  (table) => [
    uniqueIndex('revoked_access_tokens_jti_key').on(table.jti),
    index('revoked_access_tokens_expiry_idx').on(table.expiresAt),
  ],
);

/**
 * Access-token signing keys. Private keys are encrypted with JWT_KEY_ENCRYPTION_KEY (AES-256-GCM)
 * and wiped once the key is no longer published. A new key is published before it signs anything
 * (`activatesAt`), so every service knows it before meeting a token it signed; the key it
 * replaces retires then, and keeps verifying until the tokens it signed have expired.
 */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  algorithm: text('algorithm').notNull(),
  publicJwk: jsonb('public_jwk').notNull().$type<Record<string, string>>(),
  privateKeyEncrypted: bytea('private_key_encrypted'),
  ...timestamps,
  activatesAt: timestamp('activates_at', { withTimezone: true }).notNull().defaultNow(),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
  /** After this instant the key is dropped from the JWKS and its private part erased. */
  publishedUntil: timestamp('published_until', { withTimezone: true }),
});

/** Admin invitations: how people join when self-registration is off, and how roles are granted. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    role: roleColumn(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('invitations_token_key').on(table.tokenHash), roleCheck('invitations')],
);

/** Security-relevant account events (role changes, lockouts, token reuse), for administrators. */
export const accountEvents = pgTable(
  'account_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id'),
    actorId: uuid('actor_id'),
    kind: text('kind').notNull(),
    detail: jsonb('detail').notNull().default({}),
    ...timestamps,
  },
  (table) => [index('account_events_user_idx').on(table.userId)],
);

export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    organization: text('organization'),
    phone: text('phone'),
    role: text('role').notNull(),
    city: text('city'),
    message: text('message'),
    ...timestamps,
  },
  (table) => [index('leads_email_idx').on(table.email), index('leads_created_idx').on(table.createdAt)],
);
