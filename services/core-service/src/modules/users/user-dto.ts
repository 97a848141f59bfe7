import type { Role, User } from '@castor/contracts';
import type { users } from '../../db/schema.js';

/** The only way a user row leaves the service: no hash, no internal columns. */
export function toUser(row: typeof users.$inferSelect): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}
