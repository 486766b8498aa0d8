import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  signInAdmin,
  signUp,
  type TestApp,
  uniqueEmail,
} from '../../../test/helpers/test-app.js';
import { manualClock } from '../../platform/clock.js';

describe('identity', () => {
  const clock = manualClock('2027-03-01T09:00:00Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  describe('signup', () => {
    it('creates an account and returns tokens with accessToken at the top level', async () => {
      const email = uniqueEmail();
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { email: `  ${email.toUpperCase()} `, password: 'longenough', name: 'Ada' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(typeof body.accessToken).toBe('string');
      expect(typeof body.refreshToken).toBe('string');
      expect(body.user).toMatchObject({ email, name: 'Ada', role: 'customer' });
      expect(body.user.passwordHash).toBeUndefined();
      const audit = await t.services.identity.listAudit({ subject: email, action: 'signup' });
      expect(audit).toHaveLength(1);
    });

    it('refuses a duplicate email (case-insensitively) with 409 email_taken', async () => {
      const { email } = await signUp(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { email: email.toUpperCase(), password: 'longenough', name: 'Other' },
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('email_taken');
    });

    it.each([
      [{ email: 'not-an-email', password: 'longenough', name: 'A' }, 'email'],
      [{ email: 'a@b.co', password: 'short', name: 'A' }, 'password'],
      [{ email: 'a@b.co', password: 'x'.repeat(257), name: 'A' }, 'password'],
      [{ email: 'a@b.co', password: 'longenough', name: '' }, 'name'],
      [{ email: 'a@b.co', password: 'longenough' }, 'name'],
    ])('rejects invalid input %j with 400 validation_failed naming %s', async (payload, field) => {
      const res = await t.app.inject({ method: 'POST', url: '/auth/signup', payload });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(JSON.stringify(res.json().error.details)).toContain(field);
    });

    it('rejects malformed JSON with 400 invalid_json', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/signup',
        headers: { 'content-type': 'application/json' },
        payload: '{"email":',
      });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('invalid_json');
    });
  });

  describe('login and me', () => {
    it('logs in with the right password and reads /auth/me', async () => {
      const { email } = await signUp(t.app, { password: 'the right password' });
      const login = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email, password: 'the right password' },
      });
      expect(login.statusCode).toBe(200);
      const me = await t.app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { authorization: `Bearer ${login.json().accessToken}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ email, role: 'customer' });
    });

    it('refuses a wrong password and an unknown account alike', async () => {
      const { email } = await signUp(t.app);
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email, password: 'wrong password' },
      });
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: uniqueEmail('nobody'), password: 'wrong password' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(errorCode(wrong)).toBe('invalid_credentials');
      expect(errorCode(unknown)).toBe('invalid_credentials');
      const audit = await t.services.identity.listAudit({ subject: email, action: 'login.failure' });
      expect(audit).toHaveLength(1);
    });

    it('/auth/me needs a valid, unexpired token', async () => {
      const none = await t.app.inject({ method: 'GET', url: '/auth/me' });
      expect(none.statusCode).toBe(401);
      expect(errorCode(none)).toBe('unauthorized');
      const garbage = await t.app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { authorization: 'Bearer nope' },
      });
      expect(errorCode(garbage)).toBe('invalid_token');
      const { auth } = await signUp(t.app);
      clock.advance(16 * 60_000);
      const expired = await t.app.inject({ method: 'GET', url: '/auth/me', headers: auth });
      expect(expired.statusCode).toBe(401);
      expect(errorCode(expired)).toBe('token_expired');
    });

    it('locks an account out after 5 failures in 15 minutes, with Retry-After', async () => {
      const { email } = await signUp(t.app, { password: 'the right password' });
      for (let i = 0; i < 5; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email, password: `wrong ${i}` },
        });
        expect(res.statusCode).toBe(401);
        clock.advance(60_000);
      }
      const locked = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email, password: 'the right password' },
      });
      expect(locked.statusCode).toBe(429);
      expect(errorCode(locked)).toBe('too_many_login_attempts');
      // The oldest failure was 5 minutes ago: it leaves the window in 10 minutes.
      expect(Number(locked.headers['retry-after'])).toBe(600);
      clock.advance(601_000);
      const after = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email, password: 'the right password' },
      });
      expect(after.statusCode).toBe(200);
    });
  });

  describe('refresh rotation', () => {
    it('issues a new pair once per refresh token, and a reused token revokes the family', async () => {
      const { refreshToken, userId } = await signUp(t.app);
      const first = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } });
      expect(first.statusCode).toBe(200);
      const second = first.json().refreshToken;
      expect(second).not.toBe(refreshToken);

      const reuse = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } });
      expect(reuse.statusCode).toBe(401);
      expect(errorCode(reuse)).toBe('refresh_token_reused');

      // The legitimate successor dies with its family.
      const successor = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        payload: { refreshToken: second },
      });
      expect(successor.statusCode).toBe(401);
      const audit = await t.services.identity.listAudit({ subject: userId, action: 'refresh.reuse' });
      expect(audit).toHaveLength(1);
    });

    it('refuses a forged or expired refresh token', async () => {
      const forged = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        payload: { refreshToken: 'abc.def.ghi' },
      });
      expect(errorCode(forged)).toBe('invalid_refresh_token');
      const { refreshToken } = await signUp(t.app);
      clock.advance(8 * 86_400_000);
      const expired = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } });
      expect(expired.statusCode).toBe(401);
      expect(errorCode(expired)).toBe('invalid_refresh_token');
    });

    it('refuses logout with a token that is not one of ours', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/logout',
        payload: { refreshToken: 'x.y.z' },
      });
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('invalid_refresh_token');
      const empty = await t.app.inject({ method: 'POST', url: '/auth/logout', payload: {} });
      expect(empty.statusCode).toBe(400);
    });

    it('logout revokes the refresh token family', async () => {
      const { refreshToken } = await signUp(t.app);
      const out = await t.app.inject({ method: 'POST', url: '/auth/logout', payload: { refreshToken } });
      expect(out.statusCode).toBe(204);
      const after = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } });
      expect(after.statusCode).toBe(401);
    });
  });

  describe('roles', () => {
    it('lets an admin change a role, audits it, and refuses customers', async () => {
      const customer = await signUp(t.app);
      const signedIn = await signInAdmin(t);
      const adminAuth = signedIn.auth;

      const denied = await t.app.inject({
        method: 'PUT',
        url: `/users/${customer.userId}/role`,
        headers: customer.auth,
        payload: { role: 'admin' },
      });
      expect(denied.statusCode).toBe(403);

      const ok = await t.app.inject({
        method: 'PUT',
        url: `/users/${customer.userId}/role`,
        headers: adminAuth,
        payload: { role: 'admin' },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().role).toBe('admin');
      const audit = await t.services.identity.listAudit({ subject: customer.userId, action: 'role.change' });
      expect(audit[0]?.details).toMatchObject({ from: 'customer', to: 'admin' });
    });
  });
});
