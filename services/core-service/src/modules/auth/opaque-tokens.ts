import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque bearer secrets (refresh tokens, invitations): 256 random bits with a recognisable prefix
 * so secret scanners can spot a leaked one. Only their SHA-256 is stored.
 */
export function newOpaqueToken(prefix: 'castor_rt' | 'castor_inv'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
