import type { Role, User } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import { and, count, desc, eq, gt, ilike, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { CoreDb } from '../../db/client.js';
import { accountEvents, invitations, users } from '../../db/schema.js';
import type { AccessTokenRevocations } from '../auth/access-revocations.js';
import { hashOpaqueToken, newOpaqueToken } from '../auth/opaque-tokens.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { SessionService } from '../auth/session-service.js';
import { toUser } from './user-dto.js';

const INVITATION_DAYS = 7;
const UNIQUE_VIOLATION = '23505';

export interface UsersDeps {
  db: CoreDb;
  hasher: PasswordHasher;
  sessions: SessionService;
  revocations: AccessTokenRevocations;
  allowRegistration: boolean;
}

function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return (error as { code?: string }).code === UNIQUE_VIOLATION || cause?.code === UNIQUE_VIOLATION;
}

export class UsersService {
  constructor(private readonly deps: UsersDeps) {}

  /**
   * Self-registration creates a viewer; an invitation (required when registration is closed)
   * grants the role the administrator chose for that email.
   */
  async register(input: { email: string; password: string; name: string; invitationToken?: string | undefined }) {
    const invitation = input.invitationToken
      ? await this.findInvitation(input.invitationToken, input.email)
      : undefined;
    if (!invitation && !this.deps.allowRegistration) {
      throw httpError('REGISTRATION_CLOSED', 'Registration is by invitation only; ask an administrator');
    }
    const passwordHash = await this.deps.hasher.hash(input.password);
    try {
      return await this.deps.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({ email: input.email, name: input.name, passwordHash, role: invitation?.role ?? 'viewer' })
          .returning();
        if (!row) throw new Error('insert returned nothing');
        if (invitation) {
          const accepted = await tx
            .update(invitations)
            .set({ acceptedAt: sql`now()` })
            .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
            .returning({ id: invitations.id });
          if (accepted.length === 0) throw httpError('CONFLICT', 'This invitation was just used');
        }
        await tx.insert(accountEvents).values({
          userId: row.id,
          actorId: invitation?.invitedBy ?? null,
          kind: 'user.registered',
          detail: { role: row.role, invited: Boolean(invitation) },
        });
        return toUser(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw httpError('EMAIL_TAKEN', 'An account with this email already exists');
      throw error;
    }
  }

  private async findInvitation(token: string, email: string) {
    const [invitation] = await this.deps.db
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.tokenHash, hashOpaqueToken(token)),
          isNull(invitations.acceptedAt),
          gt(invitations.expiresAt, sql`now()`),
        ),
      );
    if (!invitation || invitation.email !== email) {
      throw httpError('INVITATION_INVALID', 'The invitation is unknown, used, expired or for another email');
    }
    return invitation;
  }

  async invite(actorId: string | null, email: string, role: Role) {
    const token = newOpaqueToken('castor_inv');
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
    await this.deps.db.transaction(async (tx) => {
      await tx
        .insert(invitations)
        .values({ email, role, tokenHash: hashOpaqueToken(token), invitedBy: actorId, expiresAt });
      await tx.insert(accountEvents).values({ actorId, kind: 'invitation.created', detail: { email, role } });
    });
    return { email, role, invitationToken: token, expiresAt: expiresAt.toISOString() };
  }

  async get(id: string): Promise<User> {
    const [row] = await this.deps.db.select().from(users).where(eq(users.id, id));
    if (!row) throw httpError('NOT_FOUND', 'No such user');
    return toUser(row);
  }

  async list(query: { role?: Role | undefined; q?: string | undefined; limit: number; offset: number }) {
    const filters: SQL[] = [];
    if (query.role) filters.push(eq(users.role, query.role));
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      const match = or(ilike(users.email, pattern), ilike(users.name, pattern));
      if (match) filters.push(match);
    }
    const where = filters.length > 0 ? and(...filters) : undefined;
    const [rows, [total]] = await Promise.all([
      this.deps.db
        .select()
        .from(users)
        .where(where)
        .orderBy(desc(users.createdAt))
        .limit(query.limit)
        .offset(query.offset),
      this.deps.db.select({ value: count() }).from(users).where(where),
    ]);
    return { users: rows.map(toUser), total: total?.value ?? 0 };
  }

  /**
   * Changes role, name or disabled state. Demoting or disabling ends the user's sessions at once
   * (their tokens carry the old role); the last active admin can be neither demoted nor disabled.
   */
  async update(
    actorId: string,
    id: string,
    change: { role?: Role | undefined; disabled?: boolean | undefined; name?: string | undefined },
  ) {
    const { user, announced } = await this.deps.db.transaction(async (tx) => {
      // Serialise admin changes so two concurrent demotions cannot remove the last admin.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('castor.users.admins'))`);
      const [current] = await tx.select().from(users).where(eq(users.id, id)).for('update');
      if (!current) throw httpError('NOT_FOUND', 'No such user');
      const losesAdmin =
        current.role === 'admin' &&
        !current.disabled &&
        ((change.role && change.role !== 'admin') || change.disabled === true);
      if (losesAdmin) {
        const [others] = await tx
          .select({ value: count() })
          .from(users)
          .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.id, id)));
        if ((others?.value ?? 0) === 0)
          throw httpError('LAST_ADMIN', 'This is the last active admin; appoint another first');
      }
      const [updated] = await tx
        .update(users)
        .set({ ...change, updatedAt: sql`now()` })
        .where(eq(users.id, id))
        .returning();
      if (!updated) throw httpError('NOT_FOUND', 'No such user');
      const endsSessions =
        (change.role !== undefined && change.role !== current.role) || (change.disabled === true && !current.disabled);
      const revoked = endsSessions ? await this.deps.sessions.revokeUserSessions(tx, id, 'account-changed') : [];
      await tx.insert(accountEvents).values({
        userId: id,
        actorId,
        kind: 'user.updated',
        detail: { before: { role: current.role, disabled: current.disabled }, change },
      });
      return { user: toUser(updated), announced: revoked };
    });
    this.deps.revocations.announce(announced);
    return user;
  }

  /** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD (or the CLI) when that user does not exist. */
  async ensureAdmin(email: string, password: string, name = 'Administrator'): Promise<'created' | 'exists'> {
    const [existing] = await this.deps.db
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(eq(users.email, email));
    if (existing) {
      if (existing.role !== 'admin')
        throw httpError('FORBIDDEN', `${email} exists and is not an admin; change its role instead`);
      return 'exists';
    }
    const passwordHash = await this.deps.hasher.hash(password);
    await this.deps.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email, name, passwordHash, role: 'admin' })
        .returning({ id: users.id });
      await tx.insert(accountEvents).values({ userId: row?.id ?? null, kind: 'admin.bootstrapped', detail: {} });
    });
    return 'created';
  }
}
