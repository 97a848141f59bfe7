import type { Role } from '@castor/contracts';

/** Who asked: the token's subject and role, as every feature records it in the audit log. */
export interface Actor {
  sub: string;
  role: Role;
}

export const actorName = (actor: Actor) => `${actor.role}:${actor.sub}`;

/**
 * The document pipeline, storing what it read through intake in-process: no token carries this
 * subject (users' subjects are uuids), so only the pipeline is it.
 */
export const PIPELINE_ACTOR: Actor = { sub: 'e14-pipeline', role: 'admin' };

export const isPipeline = (actor: Actor) => actor.sub === PIPELINE_ACTOR.sub && actor.role === PIPELINE_ACTOR.role;
