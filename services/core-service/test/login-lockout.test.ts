import { type RedisServerHandle, startRedisServer } from '@castor/dev-infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJsonFrom } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

const WRONG = 'a wrong password guess';

function loginFrom(core: CoreUnderTest, address: string, email: string, password: string) {
  return postJsonFrom(core, address, '/api/auth/login', { email, password });
}

async function failFrom(core: CoreUnderTest, address: string, email: string, times: number) {
  const statuses = [];
  for (let attempt = 0; attempt < times; attempt += 1) {
    statuses.push((await loginFrom(core, address, email, WRONG)).statusCode);
  }
  return statuses;
}

describe('account lockout is per account and address', () => {
  let core: CoreUnderTest;
  beforeAll(async () => {
    core = await startCoreForTests({ LOGIN_MAX_FAILURES: '5', LOGIN_ACCOUNT_MAX_FAILURES: '20' });
  });
  afterAll(async () => core?.close());

  it('lets the real user sign in from their own address while five other addresses are locked out', async () => {
    const admin = await core.signIn('admin');
    for (let address = 1; address <= 5; address += 1) {
      // Each address ends locked (the fifth finds the account under attack and is locked after one failure).
      expect((await failFrom(core, `10.8.0.${address}`, admin.user.email, 6)).at(-1)).toBe(429);
    }
    const real = await loginFrom(core, '10.8.0.6', admin.user.email, admin.password);
    expect(real.statusCode).toBe(200);
    expect(real.json().user.id).toBe(admin.user.id);
  });

  it('locks an address that keeps failing for an account, exactly as for an unknown email', async () => {
    const analyst = await core.signIn('analyst');
    for (const email of [analyst.user.email, 'ghost@castor.test']) {
      expect(await failFrom(core, '10.8.1.1', email, 6)).toEqual([401, 401, 401, 401, 401, 429]);
    }
    const ghost = await loginFrom(core, '10.8.1.1', 'ghost@castor.test', WRONG);
    // Even the right password is refused from the locked address.
    const locked = await loginFrom(core, '10.8.1.1', analyst.user.email, analyst.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(locked.json().error.message).toBe(ghost.json().error.message);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
    // Another account from the same address is not affected.
    const other = await core.signIn('viewer');
    expect((await loginFrom(core, '10.8.1.1', other.user.email, other.password)).statusCode).toBe(200);
  });

  it('allows one guess per address once an account is under attack from many', async () => {
    const target = await core.signIn('reviewer');
    for (let address = 1; address <= 4; address += 1) await failFrom(core, `10.8.2.${address}`, target.user.email, 5);
    expect(await failFrom(core, '10.8.2.50', target.user.email, 2)).toEqual([401, 429]);
    expect((await loginFrom(core, '10.8.2.51', target.user.email, target.password)).statusCode).toBe(200);
  });
});

// This block runs its own redis-server, so it can stop it under a running core.
describe('login throttling without Redis', () => {
  let redis: RedisServerHandle;
  let core: CoreUnderTest;
  beforeAll(async () => {
    const started = await startRedisServer();
    if (!started) throw new Error('redis-server is not installed (apt-get install redis-server)');
    redis = started;
    core = await startCoreForTests({ REDIS_URL: redis.url, LOGIN_MAX_FAILURES: '3' });
  });
  afterAll(async () => {
    await core?.close();
    await redis?.stop();
  });

  it('still locks after LOGIN_MAX_FAILURES wrong passwords when Redis goes away', async () => {
    const victim = await core.signIn('admin');
    await redis.stop();
    const deadline = Date.now() + 5_000;
    while (core.app.redis?.status === 'ready' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(core.app.redis?.status).not.toBe('ready');
    expect(await failFrom(core, '10.9.0.1', victim.user.email, 5)).toEqual([401, 401, 401, 429, 429]);
    const locked = await loginFrom(core, '10.9.0.1', victim.user.email, victim.password);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
  });
});
