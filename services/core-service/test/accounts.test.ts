import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, getAs, postJson } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
let admin: Awaited<ReturnType<CoreUnderTest['signIn']>>;
beforeAll(async () => {
  core = await startCoreForTests();
  admin = await core.signIn('admin');
});
afterAll(async () => core?.close());

const register = (body: unknown) => postJson(core, '/api/auth/register', body);

describe('registration', () => {
  it('refuses a duplicate email whatever its case (409)', async () => {
    const body = { email: 'dup@castor.test', password: 'a long enough passphrase', name: 'Dup' };
    expect((await register(body)).statusCode).toBe(201);
    const again = await register({ ...body, email: ' DUP@Castor.Test ' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('EMAIL_TAKEN');
  });

  it('refuses weak passwords and malformed emails with field details (400)', async () => {
    const cases = [
      { email: 'weak@castor.test', password: 'short', name: 'W', field: 'body.password' },
      { email: 'weak@castor.test', password: 'aaaaaaaaaaaaaaaa', name: 'W', field: 'body.password' },
      { email: 'weak@castor.test', password: 'passwordpassword', name: 'W', field: 'body.password' },
      { email: 'not-an-email', password: 'a long enough passphrase', name: 'W', field: 'body.email' },
      { email: 'a@b', password: 'a long enough passphrase', name: 'W', field: 'body.email' },
    ];
    for (const { field, ...body } of cases) {
      const response = await register(body);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
      expect(response.json().error.details.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    }
  });

  it('never answers 5xx to arbitrary registration bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            email: fc.oneof(fc.string(), fc.emailAddress()),
            password: fc.string({ maxLength: 300 }),
            name: fc.string(),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const response = await register(body);
          expect([201, 400, 409]).toContain(response.statusCode);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('switches to invitations when self-registration is off', async () => {
    const closed = await startCoreForTests({ AUTH_ALLOW_REGISTRATION: 'false' });
    try {
      const body = { email: 'invitee@castor.test', password: 'a long enough passphrase', name: 'Invitee' };
      const refused = await postJson(closed, '/api/auth/register', body);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('REGISTRATION_CLOSED');

      const closedAdmin = await closed.signIn('admin');
      const invitation = await postJson(
        closed,
        '/api/users/invitations',
        { email: 'Invitee@castor.test', role: 'witness' },
        bearer(closedAdmin.accessToken),
      );
      expect(invitation.statusCode).toBe(201);
      const { invitationToken } = invitation.json();

      const wrongEmail = await postJson(closed, '/api/auth/register', {
        ...body,
        email: 'other@castor.test',
        invitationToken,
      });
      expect(wrongEmail.json().error.code).toBe('INVITATION_INVALID');
      const accepted = await postJson(closed, '/api/auth/register', { ...body, invitationToken });
      expect(accepted.statusCode).toBe(201);
      expect(accepted.json().user.role).toBe('witness');
      const reused = await postJson(closed, '/api/auth/register', { ...body, email: 'x@castor.test', invitationToken });
      expect(reused.statusCode).toBe(400);
    } finally {
      await closed.close();
    }
  });
});

describe('roles and user management', () => {
  it('keeps admin routes from other roles (403) and from anonymous callers (401)', async () => {
    for (const role of ['viewer', 'analyst', 'reviewer', 'witness'] as const) {
      const session = await core.signIn(role);
      for (const url of ['/api/users', '/api/leads']) {
        const response = await getAs(core, url, session.accessToken);
        expect(response.statusCode).toBe(403);
        expect(response.json().error.code).toBe('FORBIDDEN');
      }
      const rotate = await postJson(core, '/api/admin/keys/rotate', {}, bearer(session.accessToken));
      expect(rotate.statusCode).toBe(403);
    }
    expect((await core.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);
  });

  it('lists users without secrets', async () => {
    const response = await getAs(core, '/api/users?limit=100', admin.accessToken);
    expect(response.statusCode).toBe(200);
    expect(response.json().total).toBeGreaterThan(0);
    expect(response.body).not.toMatch(/argon2|passwordHash|password_hash/);
  });

  it('ends the sessions of a demoted user at once, and refuses to remove the last admin', async () => {
    const analyst = await core.signIn('analyst');
    const demote = await core.app.inject({
      method: 'PATCH',
      url: `/api/users/${analyst.user.id}`,
      headers: { ...bearer(admin.accessToken), 'content-type': 'application/json' },
      payload: JSON.stringify({ role: 'viewer' }),
    });
    expect(demote.statusCode).toBe(200);
    expect(demote.json().role).toBe('viewer');
    const old = await getAs(core, '/api/auth/me', analyst.accessToken);
    expect(old.json().error.code).toBe('TOKEN_REVOKED');
    const relogin = await core.sessions.login(analyst.user.email, analyst.password);
    expect(relogin.user.role).toBe('viewer');

    const lonely = await startCoreForTests();
    try {
      const onlyAdmin = await lonely.signIn('admin');
      const selfDemote = await lonely.app.inject({
        method: 'PATCH',
        url: `/api/users/${onlyAdmin.user.id}`,
        headers: { ...bearer(onlyAdmin.accessToken), 'content-type': 'application/json' },
        payload: JSON.stringify({ disabled: true }),
      });
      expect(selfDemote.statusCode).toBe(409);
      expect(selfDemote.json().error.code).toBe('LAST_ADMIN');
    } finally {
      await lonely.close();
    }
  });

  it('locks out a disabled user', async () => {
    const witness = await core.signIn('witness');
    await core.app.inject({
      method: 'PATCH',
      url: `/api/users/${witness.user.id}`,
      headers: { ...bearer(admin.accessToken), 'content-type': 'application/json' },
      payload: JSON.stringify({ disabled: true }),
    });
    const login = await postJson(core, '/api/auth/login', { email: witness.user.email, password: witness.password });
    expect(login.statusCode).toBe(401);
    expect(login.json().error.code).toBe('ACCOUNT_DISABLED');
    expect((await postJson(core, '/api/auth/refresh', { refreshToken: witness.refreshToken })).statusCode).toBe(401);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    const unknown = await getAs(core, '/api/users/00000000-0000-4000-8000-000000000000', admin.accessToken);
    expect(unknown.statusCode).toBe(404);
    const malformed = await getAs(core, '/api/users/42', admin.accessToken);
    expect(malformed.statusCode).toBe(400);
  });
});

describe('request shape', () => {
  it('turns malformed JSON, wrong content types, oversized bodies and unknown routes into clear 4xx', async () => {
    const login = (contentType: string, payload: string) =>
      core.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': contentType }, payload });
    const badJson = await login('application/json', '{"email": "a@b.co", "password": ');
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('INVALID_JSON');

    const wrongType = await login('application/xml', '<login/>');
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await postJson(core, '/api/auth/login', { email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');

    const missing = await core.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ROUTE_NOT_FOUND');

    const arrayBody = await postJson(core, '/api/auth/login', [1, 2, 3]);
    expect(arrayBody.statusCode).toBe(400);
    for (const response of [badJson, wrongType, huge, missing, arrayBody]) {
      expect(response.json().error.requestId).toBe(response.headers['x-request-id']);
    }
  });

  it('keeps the caller request id when it is well-formed', async () => {
    const response = await core.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'nginx-req-12345678' },
    });
    expect(response.headers['x-request-id']).toBe('nginx-req-12345678');
    const hostile = await core.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(hostile.headers['x-request-id']).not.toContain('\n');
  });
});
