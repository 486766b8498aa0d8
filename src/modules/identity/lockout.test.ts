import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';

/** Lockout counts per account and client address, atomically; an admin can lift it. */
describe('login lockout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, remoteAddress = '203.0.113.7') =>
    t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress });

  it('checks exactly 5 of 40 parallel wrong passwords; the rest are refused unchecked', async () => {
    const { email } = await signUp(t.app, { password: 'the right password' });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(email, `wrong ${i}`)));
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    for (const r of answers.filter((a) => a.statusCode === 429))
      expect(errorCode(r)).toBe('too_many_login_attempts');
    // Only the checked attempts reached the password: five failures in the audit log.
    expect(await t.services.identity.listAudit({ subject: email, action: 'login.failure' })).toHaveLength(5);
    expect((await login(email, 'the right password')).statusCode).toBe(429);
  });

  it('a stranger’s failures from another address do not lock the owner out', async () => {
    const { email } = await signUp(t.app, { password: 'the right password' });
    for (let i = 0; i < 8; i++) await login(email, `wrong ${i}`, '198.51.100.66');
    expect((await login(email, 'the right password', '198.51.100.66')).statusCode).toBe(429);
    expect((await login(email, 'the right password', '203.0.113.7')).statusCode).toBe(200);
  });

  it('a success clears the count for that address', async () => {
    const { email } = await signUp(t.app, { password: 'the right password' });
    for (let i = 0; i < 4; i++) expect((await login(email, `wrong ${i}`)).statusCode).toBe(401);
    expect((await login(email, 'the right password')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login(email, `wrong ${i}`)).statusCode).toBe(401);
  });

  it('an admin unlocks an account from every address; nobody else may', async () => {
    const { email } = await signUp(t.app, { password: 'the right password' });
    for (let i = 0; i < 6; i++) await login(email, `wrong ${i}`);
    for (let i = 0; i < 6; i++) await login(email, `wrong ${i}`, '198.51.100.9');
    expect((await login(email, 'the right password')).statusCode).toBe(429);
    const unlock = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/auth/lockouts/unlock', headers, payload: { email } });

    const anonymous = await unlock({});
    expect(anonymous.statusCode).toBe(401);
    expect(errorCode(anonymous)).toBe('unauthorized');
    const customer = await signUp(t.app);
    const refused = await unlock(customer.auth);
    expect(refused.statusCode).toBe(403);
    expect(errorCode(refused)).toBe('forbidden');
    const admin = await signInAdmin(t);
    const done = await unlock(admin.auth);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ unlocked: 2 });
    expect(await t.services.identity.listAudit({ subject: email, action: 'login.unlock' })).toHaveLength(1);
    expect((await login(email, 'the right password')).statusCode).toBe(200);
    expect((await login(email, 'the right password', '198.51.100.9')).statusCode).toBe(200);

    const invalid = await t.app.inject({
      method: 'POST',
      url: '/auth/lockouts/unlock',
      headers: admin.auth,
      payload: { email: 'not an email' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(errorCode(invalid)).toBe('validation_failed');
  });
});
