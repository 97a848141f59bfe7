import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CoreUnderTest, startCoreForTests } from './testing.js';
import { activePrivateKey, ed25519Signer, forgeToken, hmacSigner, standardClaims, strangerKey } from './token-forge.js';

let core: CoreUnderTest;
let validToken: string;
beforeAll(async () => {
  core = await startCoreForTests();
  validToken = (await core.signIn('admin')).accessToken;
});
afterAll(async () => core?.close());

async function tokenInfo(authorization?: string) {
  const response = await core.app.inject({
    method: 'GET',
    url: '/api/auth/token-info',
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: response.statusCode, code: response.json().error?.code as string | undefined, response };
}

describe('access token verification', () => {
  it('accepts a token core issued', async () => {
    expect((await tokenInfo(`Bearer ${validToken}`)).status).toBe(200);
  });

  it('asks for a token when none is sent, with WWW-Authenticate', async () => {
    const result = await tokenInfo();
    expect(result).toMatchObject({ status: 401, code: 'AUTH_REQUIRED' });
    expect(result.response.headers['www-authenticate']).toBe('Bearer');
  });

  it('rejects a tampered payload', async () => {
    const [header, payload, signature] = validToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const elevated = Buffer.from(
      // Another user's id (the last hex digit changed, whatever it was): a real impersonation attempt.
      JSON.stringify({ ...claims, sub: claims.sub.replace(/.$/, (last: string) => (last === '0' ? '1' : '0')) }),
    ).toString('base64url');
    expect(await tokenInfo(`Bearer ${header}.${elevated}.${signature}`)).toMatchObject({
      status: 401,
      code: 'TOKEN_INVALID',
    });
  });

  it('rejects an expired token signed with the real key', async () => {
    const { kid, key } = await activePrivateKey(core);
    const now = Math.floor(Date.now() / 1000);
    const expired = forgeToken(
      { alg: 'EdDSA', typ: 'at+jwt', kid },
      standardClaims(core, { iat: now - 7200, exp: now - 3600 }),
      ed25519Signer(key),
    );
    expect(await tokenInfo(`Bearer ${expired}`)).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
  });

  it('rejects a token it has already accepted once its expiry passes', async () => {
    const { kid, key } = await activePrivateKey(core);
    const now = Math.floor(Date.now() / 1000);
    const shortLived = forgeToken(
      { alg: 'EdDSA', typ: 'at+jwt', kid },
      standardClaims(core, { iat: now, exp: now + 60 }),
      ed25519Signer(key),
    );
    expect((await tokenInfo(`Bearer ${shortLived}`)).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: (now + 61) * 1000 });
    try {
      expect(await tokenInfo(`Bearer ${shortLived}`)).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a token that is not valid yet (nbf)', async () => {
    const { kid, key } = await activePrivateKey(core);
    const future = forgeToken(
      { alg: 'EdDSA', typ: 'at+jwt', kid },
      standardClaims(core, { nbf: Math.floor(Date.now() / 1000) + 3600 }),
      ed25519Signer(key),
    );
    expect((await tokenInfo(`Bearer ${future}`)).status).toBe(401);
  });

  it('rejects alg "none"', async () => {
    const unsigned = forgeToken(
      { alg: 'none', typ: 'at+jwt', kid: core.keys.currentKid },
      standardClaims(core),
      () => '',
    );
    expect(await tokenInfo(`Bearer ${unsigned}`)).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const { kid, publicJwk } = await activePrivateKey(core);
    const publicPem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const secret of [publicPem, Buffer.from(JSON.stringify(publicJwk)), publicJwk.x ?? '']) {
      const confused = forgeToken({ alg: 'HS256', typ: 'at+jwt', kid }, standardClaims(core), hmacSigner(secret));
      expect(await tokenInfo(`Bearer ${confused}`)).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    }
  });

  it('rejects an unknown kid and a stranger key, and never follows jku/x5u/jwk headers', async () => {
    const stranger = strangerKey();
    const strangerJwk = createPublicKey(stranger).export({ format: 'jwk' });
    const unknownKid = forgeToken(
      { alg: 'EdDSA', typ: 'at+jwt', kid: 'k-unknown' },
      standardClaims(core),
      ed25519Signer(stranger),
    );
    expect(await tokenInfo(`Bearer ${unknownKid}`)).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    const pointing = forgeToken(
      {
        alg: 'EdDSA',
        typ: 'at+jwt',
        kid: core.keys.currentKid,
        jku: 'http://127.0.0.1:1/attacker-jwks.json',
        x5u: 'http://127.0.0.1:1/cert.pem',
        jwk: { ...strangerJwk, kid: core.keys.currentKid },
      },
      standardClaims(core),
      ed25519Signer(stranger),
    );
    expect(await tokenInfo(`Bearer ${pointing}`)).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
  });

  it('checks issuer, audience and token type', async () => {
    const { kid, key } = await activePrivateKey(core);
    const signer = ed25519Signer(key);
    const cases = [
      forgeToken({ alg: 'EdDSA', typ: 'at+jwt', kid }, standardClaims(core, { iss: 'someone-else' }), signer),
      forgeToken({ alg: 'EdDSA', typ: 'at+jwt', kid }, standardClaims(core, { aud: 'another-app' }), signer),
      forgeToken({ alg: 'EdDSA', typ: 'JWT', kid }, standardClaims(core), signer),
      forgeToken({ alg: 'EdDSA', typ: 'at+jwt', kid }, standardClaims(core, { role: 'superuser' }), signer),
      forgeToken({ alg: 'EdDSA', typ: 'at+jwt', kid }, standardClaims(core, { jti: undefined }), signer),
    ];
    for (const token of cases) expect((await tokenInfo(`Bearer ${token}`)).status).toBe(401);
    // The same forge with correct claims passes, so the failures above are about the claims.
    const control = forgeToken({ alg: 'EdDSA', typ: 'at+jwt', kid }, standardClaims(core), signer);
    expect((await tokenInfo(`Bearer ${control}`)).status).toBe(200);
  });

  it('rejects garbage in the Authorization header', async () => {
    for (const value of ['Bearer', 'Bearer not.a.jwt', 'Basic dXNlcjpwYXNz', `Bearer ${'a'.repeat(5000)}`]) {
      expect((await tokenInfo(value)).status).toBe(401);
    }
  });
});
