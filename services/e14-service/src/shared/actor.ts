import type { Role } from '@castor/contracts';

/** Who asked: the token's subject and role, as every feature records it in the audit log. */
export interface Actor {
  sub: string;
  role: Role;
}

export const actorName = (actor: Actor) => `${actor.role}:${actor.sub}`;
