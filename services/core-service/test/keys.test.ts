import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/client.js';
import { bearer, postJson } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
beforeAll(async () => {
  core = await startCoreForTests();
});
afterAll(async () => core?.close());

const jwksKids = async () =>
  (await core.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }))
    .json()
    .keys.map((key: { kid: string }) => key.kid);

describe('signing key rotation', () => {
  it('keeps a retired key verifying until its tokens expire, then drops it', async () => {
    const admin = await core.signIn('admin');
    const oldKid = core.keys.currentKid;
    expect(await jwksKids()).toEqual([oldKid]);

    const rotated = await postJson(core, '/api/admin/keys/rotate', {}, bearer(admin.accessToken));
    expect(rotated.statusCode).toBe(200);
    const { activeKid, nextKid, retiredKids } = rotated.json();
    expect(retiredKids).toEqual([oldKid]);
    // Tests run with JWT_KEY_PREPUBLISH_SECONDS=0: the new key signs at once.
    expect(activeKid).toBe(nextKid);
    expect(activeKid).not.toBe(oldKid);
    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, activeKid]));

    // A token signed before the rotation still works; new tokens carry the new kid.
    expect(
      (await core.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(admin.accessToken) })).statusCode,
    ).toBe(200);
    const fresh = await core.sessions.login(admin.user.email, admin.password);
    const header = JSON.parse(Buffer.from(fresh.accessToken.split('.')[0] ?? '', 'base64url').toString());
    expect(header.kid).toBe(activeKid);

    // Once the retired key's tokens could all have expired, it leaves the JWKS and stops verifying.
    await createDb(core.app.pg).execute(
      sql`UPDATE signing_keys SET published_until = now() - interval '1 second' WHERE kid = ${oldKid}`,
    );
    await core.keys.rotate();
    expect(await jwksKids()).not.toContain(oldKid);
    const stale = await core.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(admin.accessToken) });
    expect(stale.statusCode).toBe(401);
    const erased = await createDb(core.app.pg).execute(
      sql`SELECT private_key_encrypted FROM signing_keys WHERE kid = ${oldKid}`,
    );
    expect(erased.rows[0]?.private_key_encrypted).toBeNull();
  });

  it('rotates automatically when the active key is older than the rotation period', async () => {
    const before = core.keys.currentKid;
    expect(await core.keys.rotateIfDue()).toBe(false);
    await createDb(core.app.pg).execute(
      sql`UPDATE signing_keys SET activates_at = now() - interval '40 days' WHERE kid = ${before}`,
    );
    await core.keys.load();
    expect(await core.keys.rotateIfDue()).toBe(true);
    expect(core.keys.currentKid).not.toBe(before);
  });
});

describe('key pre-publication', () => {
  it('publishes the next key before it signs anything, then switches', async () => {
    const early = await startCoreForTests({ JWT_KEY_PREPUBLISH_SECONDS: '1' });
    try {
      const before = early.keys.currentKid;
      const { nextKid, activeKid } = await early.keys.rotate();
      expect(activeKid).toBe(before);
      const published = (await early.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      expect(published.keys.map((key: { kid: string }) => key.kid)).toContain(nextKid);
      const signedNow = await early.signIn('viewer');
      expect(JSON.parse(Buffer.from(signedNow.accessToken.split('.')[0] ?? '', 'base64url').toString()).kid).toBe(
        before,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(early.keys.currentKid).toBe(nextKid);
      // A token of the retired key still verifies.
      expect(
        (await early.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(signedNow.accessToken) }))
          .statusCode,
      ).toBe(200);
    } finally {
      await early.close();
    }
  });
});

describe('restart', () => {
  it('loses no users, keys or sessions', async () => {
    const session = await core.signIn('reviewer');
    const restarted = await startCoreForTests(
      { JWT_KEY_ENCRYPTION_KEY: core.config.JWT_KEY_ENCRYPTION_KEY },
      { database: core.database },
    );
    try {
      const me = await restarted.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: bearer(session.accessToken),
      });
      expect(me.statusCode).toBe(200);
      expect(me.json().id).toBe(session.user.id);
      const refreshed = await postJson(restarted, '/api/auth/refresh', { refreshToken: session.refreshToken });
      expect(refreshed.statusCode).toBe(200);
      const login = await postJson(restarted, '/api/auth/login', {
        email: session.user.email,
        password: session.password,
      });
      expect(login.statusCode).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('refuses to start with a different key-encryption key rather than issuing unverifiable tokens', async () => {
    await expect(
      startCoreForTests(
        { JWT_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
        { database: core.database },
      ),
    ).rejects.toThrow(/JWT_KEY_ENCRYPTION_KEY does not decrypt/);
  });
});
