import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { AUDIT_HEAD_FORMAT, type SignedAuditHead } from '@castor/contracts';
import { canonicalJson } from '../domain/canonical-json.js';

/** The PKCS#8 DER of an Ed25519 private key is this prefix followed by its 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SEED_BYTES = 32;

/**
 * Reads E14_AUDIT_SIGNING_KEY: an Ed25519 private key as PKCS#8 PEM (newlines may be written
 * "\n"), or base64 of its PKCS#8 DER, or base64 of its 32-byte seed. Throws (without the value)
 * on anything else.
 */
export function parseAuditSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed.replaceAll('\\n', '\n'))
    : createPrivateKey({ key: pkcs8Der(Buffer.from(trimmed, 'base64')), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return key;
}

const pkcs8Der = (bytes: Buffer) =>
  bytes.length === ED25519_SEED_BYTES ? Buffer.concat([ED25519_PKCS8_PREFIX, bytes]) : bytes;

/** The bytes a head's signature covers: the RFC 8785 JSON of {format, seq, hash, at}. */
const signedText = (head: Pick<SignedAuditHead, 'format' | 'seq' | 'hash' | 'at'>) =>
  Buffer.from(canonicalJson({ format: head.format, seq: head.seq, hash: head.hash, at: head.at }));

/** Signs chain heads for publication, so a later verify can tell a truncated chain. */
export class AuditHeadSigner {
  private readonly publicKey: string | null;
  private readonly keyId: string | null;

  constructor(private readonly privateKey: KeyObject | undefined) {
    const der = privateKey ? createPublicKey(privateKey).export({ format: 'der', type: 'spki' }) : null;
    this.publicKey = der ? der.toString('base64') : null;
    this.keyId = der ? createHash('sha256').update(der).digest('hex').slice(0, 16) : null;
  }

  get signs(): boolean {
    return this.privateKey !== undefined;
  }

  sign(head: { seq: number; hash: string }, at = new Date()): SignedAuditHead {
    const unsigned = { format: AUDIT_HEAD_FORMAT, seq: head.seq, hash: head.hash, at: at.toISOString() } as const;
    if (!this.privateKey)
      return { ...unsigned, signed: false, algorithm: null, keyId: null, publicKey: null, signature: null };
    return {
      ...unsigned,
      signed: true,
      algorithm: 'Ed25519',
      keyId: this.keyId,
      publicKey: this.publicKey,
      signature: sign(null, signedText(unsigned), this.privateKey).toString('base64'),
    };
  }
}

/**
 * Whether a published head carries a valid signature, by `publicKey` (base64 SPKI DER or PEM) when
 * given, else by the key it names itself (which only proves it was not altered since signing).
 */
export function verifySignedAuditHead(head: SignedAuditHead, publicKey = head.publicKey): boolean {
  if (!head.signature || !publicKey) return false;
  const key = publicKey.includes('-----BEGIN')
    ? createPublicKey(publicKey)
    : createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  return verify(null, signedText(head), key, Buffer.from(head.signature, 'base64'));
}
