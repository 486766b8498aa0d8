import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { DEMO_ADMIN, DEMO_USER } from './data.js';
import { ensureDemoAccounts } from './seed.js';

describe('demo accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await ensureDemoAccounts(t.ctx);
    await ensureDemoAccounts(t.ctx); // a second start changes nothing
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, mfaCode?: string) =>
    t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password, mfaCode } });

  it('the demo traveller signs in with the printed login', async () => {
    expect((await login(DEMO_USER.email, DEMO_USER.password)).statusCode).toBe(200);
  });

  it('the demo admin signs in, sets up MFA as the banner says, and then uses the admin API', async () => {
    const first = await login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    expect(first.json().user.role).toBe('admin');
    const auth = { authorization: `Bearer ${first.json().accessToken}` };
    expect((await t.app.inject({ method: 'GET', url: '/users', headers: auth })).statusCode).toBe(403);
    const { secret } = (await t.app.inject({ method: 'POST', url: '/auth/mfa/setup', headers: auth })).json();
    const enabled = await t.app.inject({
      method: 'POST',
      url: '/auth/mfa/enable',
      headers: auth,
      payload: { code: await generate({ secret }) },
    });
    expect(enabled.statusCode).toBe(200);
    const users = await t.app.inject({ method: 'GET', url: `/users?q=${DEMO_USER.email}`, headers: auth });
    expect(users.json().users.map((u: { email: string }) => u.email)).toEqual([DEMO_USER.email]);
    expect((await login(DEMO_ADMIN.email, DEMO_ADMIN.password, await generate({ secret }))).statusCode).toBe(
      200,
    );
  });
});
