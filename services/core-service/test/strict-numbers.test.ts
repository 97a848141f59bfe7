import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAs } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
beforeAll(async () => {
  core = await startCoreForTests();
});
afterAll(async () => core?.close());

/** Numbers in a URL are plain decimal digits: `0x10`, ` 1`, `1e1`, `+1` and `01` are refused, not read. */
describe('core reads numbers in query strings strictly', () => {
  it.each(['0x10', '%201', '1%20', '1e1', '+1', '01', '1.0', ''])(
    'the spelling "%s" is 400 wherever a number is expected',
    async (spelling) => {
      const admin = await core.signIn('admin');
      for (const url of [
        `/api/users?limit=${spelling}`,
        `/api/users?offset=${spelling}`,
        `/api/leads?limit=${spelling}`,
        `/api/auth/revocations?after=${spelling}`,
      ]) {
        const response = await getAs(core, url, admin.accessToken);
        expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
        expect(response.json().error.code).toBe('VALIDATION_FAILED');
      }
    },
  );

  it('reads plain decimal numbers', async () => {
    const admin = await core.signIn('admin');
    for (const url of ['/api/users?limit=16&offset=0', '/api/leads?limit=16', '/api/auth/revocations?after=16']) {
      expect((await getAs(core, url, admin.accessToken)).statusCode, url).toBe(200);
    }
  });
});
