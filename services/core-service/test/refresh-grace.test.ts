import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postJson } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
beforeAll(async () => {
  core = await startCoreForTests({ JWT_REFRESH_GRACE_SECONDS: '1' });
});
afterAll(async () => core?.close());

const refresh = (refreshToken: string) => postJson(core, '/api/auth/refresh', { refreshToken });

describe('refresh-token grace window', () => {
  it('gives two concurrent refreshes of one token the same new pair, and both can go on', async () => {
    const session = await core.signIn('reviewer');
    const [a, b] = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    expect([a?.statusCode, b?.statusCode]).toEqual([200, 200]);
    expect(a?.json().refreshToken).toBe(b?.json().refreshToken);
    expect(a?.json().accessToken).toBe(b?.json().accessToken);
    const me = await core.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(b?.json().accessToken) });
    expect(me.statusCode).toBe(200);
    expect((await refresh(a?.json().refreshToken)).statusCode).toBe(200);
  });

  it('still revokes the family when a rotated token is replayed after the window', async () => {
    const session = await core.signIn('analyst');
    const next = (await refresh(session.refreshToken)).json();
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const replay = await refresh(session.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await refresh(next.refreshToken)).statusCode).toBe(401);
    const me = await core.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(next.accessToken) });
    expect(me.json().error.code).toBe('TOKEN_REVOKED');
  });

  it('does not hand out the pair again once it has itself been rotated', async () => {
    const session = await core.signIn('viewer');
    const next = (await refresh(session.refreshToken)).json();
    expect((await refresh(next.refreshToken)).statusCode).toBe(200);
    const replay = await refresh(session.refreshToken);
    expect(replay.json().error.code).toBe('REFRESH_TOKEN_REUSED');
  });
});
