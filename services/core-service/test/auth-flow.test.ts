import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, getAs } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
beforeAll(async () => {
  core = await startCoreForTests();
});
afterAll(async () => core?.close());

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('register → login → me → refresh → logout', () => {
  it('walks the whole session lifecycle', async () => {
    const credentials = { email: 'Lucia.Gomez@Example.CO', password: 'escrutinio seguro 2026', name: 'Lucía Gómez' };
    const registered = await core.app.inject({ method: 'POST', url: '/api/auth/register', ...json(credentials) });
    expect(registered.statusCode).toBe(201);
    const { user } = registered.json();
    expect(user).toMatchObject({ email: 'lucia.gomez@example.co', role: 'viewer', disabled: false });
    expect(JSON.stringify(registered.json())).not.toMatch(/argon2|password/i);

    const login = await core.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      ...json({ email: 'lucia.gomez@example.co', password: credentials.password }),
    });
    expect(login.statusCode).toBe(200);
    const session = login.json();
    expect(session).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { id: user.id } });
    expect(session.refreshToken).toMatch(/^castor_rt_/);

    const me = await getAs(core, '/api/auth/me', session.accessToken);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: 'lucia.gomez@example.co' });
    expect(me.json().lastLoginAt).not.toBeNull();

    const refreshed = await core.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      ...json({ refreshToken: session.refreshToken }),
    });
    expect(refreshed.statusCode).toBe(200);
    const next = refreshed.json();
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.accessToken).not.toBe(session.accessToken);

    const logout = await core.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...bearer(next.accessToken), 'content-type': 'application/json' },
      payload: JSON.stringify({ refreshToken: next.refreshToken }),
    });
    expect(logout.statusCode).toBe(200);

    const afterLogout = await getAs(core, '/api/auth/me', next.accessToken);
    expect(afterLogout.statusCode).toBe(401);
    expect(afterLogout.json().error.code).toBe('TOKEN_REVOKED');

    const refreshAfterLogout = await core.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      ...json({ refreshToken: next.refreshToken }),
    });
    expect(refreshAfterLogout.statusCode).toBe(401);
    expect(refreshAfterLogout.json().error.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('rejects a wrong password and an unknown email with the same answer', async () => {
    await core.signIn('viewer', 'known@castor.test');
    const wrong = await core.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      ...json({ email: 'known@castor.test', password: 'not the password at all' }),
    });
    const unknown = await core.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      ...json({ email: 'nobody@castor.test', password: 'not the password at all' }),
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.json().error).toMatchObject({ code: wrong.json().error.code, message: wrong.json().error.message });
  });
});
