import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';

/**
 * Revocable sessions: each access token names its session, and each request is checked against it,
 * so logout, refresh-token reuse, a password change, a role change and a disable count from the
 * very next request — not when the access token expires.
 */
describe('sessions', () => {
  let t: TestApp;
  let admin: SignedIn;
  const PASSWORD = 'correct horse battery';

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signInAdmin(t);
  });
  afterAll(() => t.close());

  const me = (who: { auth: Record<string, string> }) =>
    t.app.inject({ method: 'GET', url: '/auth/me', headers: who.auth });
  const login = async (email: string, password = PASSWORD) => {
    const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) return { res, who: undefined };
    const json = res.json();
    return {
      res,
      who: {
        accessToken: json.accessToken as string,
        refreshToken: json.refreshToken as string,
        auth: { authorization: `Bearer ${json.accessToken}` },
      },
    };
  };
  const post = (url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });

  it('logout ends the session: its access token is refused on the next request', async () => {
    const alice = await signUp(t.app);
    expect((await me(alice)).statusCode).toBe(200);
    const other = (await login(alice.email)).who!;
    expect((await post('/auth/logout', {}, { refreshToken: alice.refreshToken })).statusCode).toBe(204);
    const after = await me(alice);
    expect(after.statusCode).toBe(401);
    expect(errorCode(after)).toBe('session_revoked');
    // Only that session: another sign-in of the same account goes on.
    expect((await me(other)).statusCode).toBe(200);
  });

  it('refresh-token reuse ends the session of that family at once', async () => {
    const bob = await signUp(t.app);
    const rotated = await post('/auth/refresh', {}, { refreshToken: bob.refreshToken });
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().accessToken as string;
    expect((await me({ auth: { authorization: `Bearer ${fresh}` } })).statusCode).toBe(200);
    const reused = await post('/auth/refresh', {}, { refreshToken: bob.refreshToken });
    expect(errorCode(reused)).toBe('refresh_token_reused');
    expect(errorCode(await me({ auth: { authorization: `Bearer ${fresh}` } }))).toBe('session_revoked');
    expect(errorCode(await me(bob))).toBe('session_revoked');
    // The rotated refresh token of the revoked family is refused too.
    const next = await post('/auth/refresh', {}, { refreshToken: rotated.json().refreshToken });
    expect(next.statusCode).toBe(401);
  });

  it('a password change ends every other session, keeps this one, and needs the current password', async () => {
    const carol = await signUp(t.app);
    const laptop = (await login(carol.email)).who!;
    const wrong = await post('/auth/password', carol.auth, {
      currentPassword: 'not my password',
      newPassword: 'a much longer new secret 42',
    });
    expect(wrong.statusCode).toBe(403);
    expect(errorCode(wrong)).toBe('wrong_password');
    const changed = await post('/auth/password', carol.auth, {
      currentPassword: PASSWORD,
      newPassword: 'a much longer new secret 42',
    });
    expect(changed.statusCode).toBe(204);
    expect((await me(carol)).statusCode).toBe(200);
    expect(errorCode(await me(laptop))).toBe('session_revoked');
    expect((await post('/auth/refresh', {}, { refreshToken: laptop.refreshToken })).statusCode).toBe(401);
    expect((await login(carol.email)).res.statusCode).toBe(401);
    expect((await login(carol.email, 'a much longer new secret 42')).res.statusCode).toBe(200);
  });

  it('a role change counts from the next request, in both directions', async () => {
    const dave = await signUp(t.app);
    expect((await t.app.inject({ method: 'GET', url: '/users', headers: dave.auth })).statusCode).toBe(403);
    const promote = await t.app.inject({
      method: 'PUT',
      url: `/users/${dave.userId}/role`,
      headers: admin.auth,
      payload: { role: 'admin' },
    });
    expect(promote.statusCode).toBe(200);
    // The same token now counts as an admin's: admin operations ask for MFA, then serve.
    const needsMfa = await t.app.inject({ method: 'GET', url: '/users', headers: dave.auth });
    expect(errorCode(needsMfa)).toBe('mfa_required');
    const setup = await post('/auth/mfa/setup', dave.auth);
    const code = await generate({ secret: setup.json().secret });
    expect((await post('/auth/mfa/enable', dave.auth, { code })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/users', headers: dave.auth })).statusCode).toBe(200);
    await t.app.inject({
      method: 'PUT',
      url: `/users/${dave.userId}/role`,
      headers: admin.auth,
      payload: { role: 'customer' },
    });
    const demoted = await t.app.inject({ method: 'GET', url: '/users', headers: dave.auth });
    expect(demoted.statusCode).toBe(403);
    expect(errorCode(demoted)).toBe('forbidden');
  });

  it('disabling an account ends its sessions and refuses sign-in and refresh; enabling lets it back', async () => {
    const erin = await signUp(t.app);
    const disabled = await post(`/users/${erin.userId}/disable`, admin.auth);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().disabled).toBe(true);
    expect(errorCode(await me(erin))).toBe('account_disabled');
    const refused = await login(erin.email);
    expect(refused.res.statusCode).toBe(403);
    expect(errorCode(refused.res)).toBe('account_disabled');
    expect((await post('/auth/refresh', {}, { refreshToken: erin.refreshToken })).statusCode).toBe(403);
    expect((await post(`/users/${erin.userId}/enable`, admin.auth)).json().disabled).toBe(false);
    // The old sessions stay ended; a new sign-in works.
    expect(errorCode(await me(erin))).toBe('session_revoked');
    const back = (await login(erin.email)).who!;
    expect((await me(back)).statusCode).toBe(200);
  });

  it('admins find users by email or name fragment; the audit log records role and disable changes', async () => {
    const frank = await signUp(t.app, { name: 'Frank Zappa-Unique' });
    const found = await t.app.inject({ method: 'GET', url: '/users?q=zappa-uniq', headers: admin.auth });
    expect(found.statusCode).toBe(200);
    expect(found.json().users.map((u: { id: string }) => u.id)).toEqual([frank.userId]);
    const byEmail = await t.app.inject({
      method: 'GET',
      url: `/users?q=${encodeURIComponent(frank.email)}`,
      headers: admin.auth,
    });
    expect(byEmail.json().users).toHaveLength(1);
    const one = await t.app.inject({ method: 'GET', url: `/users/${frank.userId}`, headers: admin.auth });
    expect(one.json()).toMatchObject({ id: frank.userId, disabled: false });
    expect(
      (await t.app.inject({ method: 'GET', url: '/users?limit=0', headers: admin.auth })).statusCode,
    ).toBe(400);
    await post(`/users/${frank.userId}/disable`, admin.auth);
    const audit = await t.services.identity.listAudit({ subject: frank.userId, action: 'user.disable' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(admin.userId);
  });

  it('a token without a session id is refused', async () => {
    const gina = await signUp(t.app);
    const bare = await t.ctx.accessTokens.sign({ userId: gina.userId, role: 'admin' });
    const res = await me({ auth: { authorization: `Bearer ${bare}` } });
    expect(res.statusCode).toBe(401);
  });
});
