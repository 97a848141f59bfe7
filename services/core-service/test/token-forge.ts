import { createHmac, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createDb } from '../src/db/client.js';
import { signingKeys } from '../src/db/schema.js';
import { openText } from '../src/modules/keys/key-crypto.js';
import type { CoreUnderTest } from './testing.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Hand-built JWTs, so tests can present exactly the malformed or hostile token they need. */
export function forgeToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: (input: string) => Buffer | string,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = signer(input);
  return `${input}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

/** The private key of the active signing key, decrypted the way the key ring does it. */
export async function activePrivateKey(core: CoreUnderTest) {
  const [row] = await createDb(core.app.pg).select().from(signingKeys).where(eq(signingKeys.kid, core.keys.currentKid));
  if (!row?.privateKeyEncrypted) throw new Error('no active key');
  const pem = openText(row.privateKeyEncrypted, row.kid, Buffer.from(core.config.JWT_KEY_ENCRYPTION_KEY, 'base64'));
  return { kid: row.kid, key: createPrivateKey(pem), publicJwk: row.publicJwk };
}

export function standardClaims(core: CoreUnderTest, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: '5f0c2a8e-6d1b-4c7e-9a3f-2b8d4e6f1a20',
    role: 'admin',
    jti: 'forged-jti-0001',
    iss: core.config.JWT_ISSUER,
    aud: core.config.JWT_AUDIENCE,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

export const ed25519Signer = (key: ReturnType<typeof createPrivateKey>) => (input: string) =>
  sign(null, Buffer.from(input), key);
export const hmacSigner = (secret: string | Buffer) => (input: string) =>
  createHmac('sha256', secret).update(input).digest();
export const strangerKey = () => generateKeyPairSync('ed25519').privateKey;
