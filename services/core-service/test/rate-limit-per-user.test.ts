import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
beforeAll(async () => {
  core = await startCoreForTests({ RATE_LIMIT_DEFAULT: '3/minute' });
});
afterAll(async () => core?.close());

const meFrom = (remoteAddress: string, token: string) =>
  core.app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress, headers: bearer(token) });

describe('default budget for signed-in routes', () => {
  it('gives two users behind one address (an office NAT) a budget each', async () => {
    const [ana, beto] = [await core.signIn('analyst'), await core.signIn('analyst')];
    const office = '10.20.0.1';
    const anas = [];
    for (let request = 0; request < 4; request += 1) anas.push((await meFrom(office, ana.accessToken)).statusCode);
    expect(anas).toEqual([200, 200, 200, 429]);
    expect((await meFrom(office, beto.accessToken)).statusCode).toBe(200);
    // The budget follows the user, not the address.
    expect((await meFrom('10.20.0.2', ana.accessToken)).statusCode).toBe(429);
  });
});
