import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postJson } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
// Without the grace window, so that any replay is reuse (refresh-grace.test.ts covers the window).
beforeAll(async () => {
  core = await startCoreForTests({ JWT_REFRESH_GRACE_SECONDS: '0' });
});
afterAll(async () => core?.close());

describe('refresh-token rotation', () => {
  it('revokes the whole family, and its access tokens, when a rotated token is presented again', async () => {
    const first = await core.signIn('analyst');
    const second = (await postJson(core, '/api/auth/refresh', { refreshToken: first.refreshToken })).json();
    const third = (await postJson(core, '/api/auth/refresh', { refreshToken: second.refreshToken })).json();
    expect(third.refreshToken).toMatch(/^castor_rt_/);

    // An attacker replays the stolen first token.
    const replay = await postJson(core, '/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('REFRESH_TOKEN_REUSED');

    // The legitimate holder's newest tokens stopped working too.
    const latest = await postJson(core, '/api/auth/refresh', { refreshToken: third.refreshToken });
    expect(latest.statusCode).toBe(401);
    const me = await core.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(third.accessToken) });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('TOKEN_REVOKED');
  });

  it('lets exactly one of two concurrent refreshes of one token win when there is no grace window', async () => {
    const session = await core.signIn('reviewer');
    const results = await Promise.all(
      Array.from({ length: 2 }, () => postJson(core, '/api/auth/refresh', { refreshToken: session.refreshToken })),
    );
    const statuses = results.map((result) => result.statusCode).sort();
    expect(statuses).toEqual([200, 401]);
    expect(results.find((result) => result.statusCode === 401)?.json().error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('keeps other sessions of the same user alive when one family is revoked', async () => {
    const email = 'two-devices@castor.test';
    const laptop = await core.signIn('viewer', email);
    const phone = await core.sessions.login(email, laptop.password);
    const rotated = (await postJson(core, '/api/auth/refresh', { refreshToken: laptop.refreshToken })).json();
    await postJson(core, '/api/auth/refresh', { refreshToken: laptop.refreshToken }); // reuse on the laptop family
    expect((await postJson(core, '/api/auth/refresh', { refreshToken: rotated.refreshToken })).statusCode).toBe(401);
    expect((await postJson(core, '/api/auth/refresh', { refreshToken: phone.refreshToken })).statusCode).toBe(200);
  });

  it('rejects unknown and malformed refresh tokens', async () => {
    const unknown = await postJson(core, '/api/auth/refresh', { refreshToken: `castor_rt_${'x'.repeat(43)}` });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('REFRESH_TOKEN_INVALID');
    expect((await postJson(core, '/api/auth/refresh', { refreshToken: 'short' })).statusCode).toBe(400);
    expect((await postJson(core, '/api/auth/refresh', {})).statusCode).toBe(400);
  });

  it('signs out every session with allSessions', async () => {
    const email = 'everywhere@castor.test';
    const a = await core.signIn('viewer', email);
    const b = await core.sessions.login(email, a.password);
    const out = await postJson(core, '/api/auth/logout', { allSessions: true }, bearer(a.accessToken));
    expect(out.statusCode).toBe(200);
    for (const token of [a.accessToken, b.accessToken]) {
      expect((await core.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(
        401,
      );
    }
    expect((await postJson(core, '/api/auth/refresh', { refreshToken: b.refreshToken })).statusCode).toBe(401);
  });
});
