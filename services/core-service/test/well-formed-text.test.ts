import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAs, postJson } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
beforeAll(async () => {
  core = await startCoreForTests();
});
afterAll(async () => core?.close());

/** Text PostgreSQL cannot store (a NUL, a lone surrogate) is the client's mistake: 400 naming the field. */
describe('core refuses text PostgreSQL cannot store', () => {
  it.each([
    ['a NUL', 'Ana\u0000María'],
    ['a lone surrogate', 'Ana \uD800'],
  ])('POST /api/auth/register with %s in the name answers 400 VALIDATION_FAILED', async (_label, name) => {
    const response = await postJson(core, '/api/auth/register', {
      email: `text-${name.length}@castor.test`,
      password: 'a long enough passphrase',
      name,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'body.name' }] },
    });
  });

  it('GET /api/users with a NUL in the search answers 400 VALIDATION_FAILED', async () => {
    const admin = await core.signIn('admin');
    const response = await getAs(core, '/api/users?q=ana%00', admin.accessToken);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.details.issues[0].path).toBe('querystring.q');
  });
});
