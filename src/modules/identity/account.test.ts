// Over 300 lines: the account lifecycle suite (policy, reset, verification, profile, export, deletion,
// MFA) shares one app and its clock across cases.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
  uniqueEmail,
  verifyEmail,
} from '../../../test/helpers/test-app.js';
import { dateIn } from '../../../test/helpers/travel-factories.js';
import { manualClock } from '../../platform/clock.js';

const PASSWORD = 'correct horse battery';

describe('account lifecycle', () => {
  let t: TestApp;
  const clock = manualClock(new Date());

  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
  const login = (email: string, password = PASSWORD, mfaCode?: string) =>
    post('/auth/login', { email, password, ...(mfaCode ? { mfaCode } : {}) });
  const me = (who: { auth: Record<string, string> }) =>
    t.app.inject({ method: 'GET', url: '/auth/me', headers: who.auth });
  const outbox = async (type: string, userId: string) =>
    (
      await t.db.database.pool.query(
        'SELECT payload FROM outbox_events WHERE type = $1 AND recipient_user_id = $2 ORDER BY occurred_at',
        [type, userId],
      )
    ).rows.map((r) => r.payload as { token: string; expiresAt: string });

  describe('password policy', () => {
    it.each(['aaaaaaaa', 'password1', 'qwertyuiop'])(
      'refuses the common password %s (400 weak_password)',
      async (pw) => {
        const res = await post('/auth/signup', { email: uniqueEmail(), password: pw, name: 'Weak' });
        expect(res.statusCode).toBe(400);
        expect(errorCode(res)).toBe('weak_password');
      },
    );

    it('refuses a short one (400 validation) and a weak new password on change', async () => {
      expect(
        (await post('/auth/signup', { email: uniqueEmail(), password: 'short', name: 'S' })).statusCode,
      ).toBe(400);
      const who = await signUp(t.app);
      const res = await post(
        '/auth/password',
        { currentPassword: PASSWORD, newPassword: 'password123' },
        who.auth,
      );
      expect(errorCode(res)).toBe('weak_password');
    });
  });

  describe('password reset', () => {
    it('answers 202 alike for unknown and known addresses, and mails only the known one', async () => {
      const unknown = await post('/auth/password-reset/request', { email: uniqueEmail('nobody') });
      const who = await signUp(t.app);
      const known = await post('/auth/password-reset/request', { email: who.email });
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(known.body).toBe(unknown.body);
      expect(await outbox('account.password_reset', who.userId)).toHaveLength(1);
    });

    it('a reset code works once, ends every session and sets the new password', async () => {
      const who = await signUp(t.app);
      await post('/auth/password-reset/request', { email: who.email });
      const { token } = (await outbox('account.password_reset', who.userId))[0]!;
      const res = await post('/auth/password-reset', { token, newPassword: 'brand new secret phrase' });
      expect(res.statusCode).toBe(204);
      expect(errorCode(await me(who))).toBe('session_revoked');
      expect((await login(who.email)).statusCode).toBe(401);
      expect((await login(who.email, 'brand new secret phrase')).statusCode).toBe(200);
      const again = await post('/auth/password-reset', { token, newPassword: 'another new secret phrase' });
      expect(errorCode(again)).toBe('invalid_token');
    });

    it('a reset lifts a login lockout', async () => {
      const who = await signUp(t.app);
      for (let i = 0; i < 6; i++) await login(who.email, 'not the password at all');
      const locked = await login(who.email);
      expect(locked.statusCode).toBe(429);
      expect(errorCode(locked)).toBe('too_many_login_attempts');
      await post('/auth/password-reset/request', { email: who.email });
      const { token } = (await outbox('account.password_reset', who.userId))[0]!;
      expect(
        (await post('/auth/password-reset', { token, newPassword: 'brand new secret phrase' })).statusCode,
      ).toBe(204);
      expect((await login(who.email, 'brand new secret phrase')).statusCode).toBe(200);
    });

    it('a reset code expires after an hour', async () => {
      const who = await signUp(t.app);
      await post('/auth/password-reset/request', { email: who.email });
      const { token } = (await outbox('account.password_reset', who.userId))[0]!;
      clock.advance(61 * 60_000);
      const res = await post('/auth/password-reset', { token, newPassword: 'brand new secret phrase' });
      expect(errorCode(res)).toBe('invalid_token');
    });

    it('sends at most three reset emails an hour per account, answering every request alike', async () => {
      const who = await signUp(t.app);
      for (let i = 0; i < 5; i++)
        expect((await post('/auth/password-reset/request', { email: who.email })).statusCode).toBe(202);
      expect(await outbox('account.password_reset', who.userId)).toHaveLength(3);
    });
  });

  describe('email verification', () => {
    it('binds a trip invitation only once the invited address is verified', async () => {
      const owner = await signUp(t.app);
      const invitee = await signUp(t.app);
      const trip = (
        await post(
          '/trips',
          {
            name: 'Shared',
            destination: 'Paris',
            startDate: dateIn(10),
            endDate: dateIn(12),
            timeZone: 'Europe/Paris',
          },
          owner.auth,
        )
      ).json();
      await post(`/trips/${trip.id}/collaborators`, { email: invitee.email, role: 'viewer' }, owner.auth);
      const before = await t.app.inject({ method: 'GET', url: `/trips/${trip.id}`, headers: invitee.auth });
      expect(before.statusCode).toBe(404);
      expect((await me(invitee)).json().emailVerified).toBe(false);
      await verifyEmail(t, invitee);
      expect((await me(invitee)).json().emailVerified).toBe(true);
      const after = await t.app.inject({ method: 'GET', url: `/trips/${trip.id}`, headers: invitee.auth });
      expect(after.statusCode).toBe(200);
    });

    it('refuses an unknown code with 400 invalid_token', async () => {
      expect(errorCode(await post('/auth/verify-email', { token: 'x'.repeat(32) }))).toBe('invalid_token');
    });
  });

  describe('profile', () => {
    it('edits the name; a new email needs the current password and is verified again', async () => {
      const who = await signUp(t.app);
      await verifyEmail(t, who);
      const patch = (payload: object) =>
        t.app.inject({ method: 'PATCH', url: '/auth/me', headers: who.auth, payload });
      expect((await patch({ name: 'New Name' })).json()).toMatchObject({
        name: 'New Name',
        emailVerified: true,
      });
      const email = uniqueEmail('moved');
      expect(errorCode(await patch({ email }))).toBe('wrong_password');
      const moved = await patch({ email, currentPassword: PASSWORD });
      expect(moved.json()).toMatchObject({ email, emailVerified: false });
      expect((await outbox('account.verify_email', who.userId)).length).toBe(2);
      const other = await signUp(t.app);
      expect(errorCode(await patch({ email: other.email, currentPassword: PASSWORD }))).toBe('email_taken');
      expect((await patch({})).statusCode).toBe(400);
    });
  });

  describe('export', () => {
    it('returns the account, its bookings, trips and emails as JSON, without secrets', async () => {
      const who = await signUp(t.app, { name: 'Export Me' });
      const { id: locationId } = await buildLocation(t.services);
      const car = await buildCar(t.services, locationId);
      const base = new Date(clock.now().getTime() + 25 * 86_400_000);
      const booking = (
        await post(
          '/bookings',
          { carId: car.id, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) },
          who.auth,
        )
      ).json();
      const trip = (
        await post(
          '/trips',
          {
            name: 'Exported',
            destination: 'Paris',
            startDate: dateIn(10),
            endDate: dateIn(12),
            timeZone: 'Europe/Paris',
          },
          who.auth,
        )
      ).json();
      const res = await t.app.inject({ method: 'GET', url: '/account/export', headers: who.auth });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain('voyage-account.json');
      const data = res.json();
      expect(data.account.user).toMatchObject({ id: who.userId, name: 'Export Me', email: who.email });
      expect(data.account.sessions.length).toBeGreaterThanOrEqual(1);
      expect(data.account.audit.some((a: { action: string }) => a.action === 'signup')).toBe(true);
      expect(data.bookings.cars.map((b: { id: string }) => b.id)).toEqual([booking.id]);
      expect(data.trips.map((x: { id: string }) => x.id)).toEqual([trip.id]);
      expect(Array.isArray(data.notifications)).toBe(true);
      expect(res.body).not.toContain('argon2');
      expect(res.body).not.toContain('password_hash');
    });
  });

  describe('deletion', () => {
    it('anonymises the account, ends its sessions and keeps its bookings and audit entries', async () => {
      const who = await signUp(t.app, { name: 'Delete Me' });
      const { id: locationId } = await buildLocation(t.services);
      const car = await buildCar(t.services, locationId);
      const base = new Date(clock.now().getTime() + 20 * 86_400_000);
      const booking = await post(
        '/bookings',
        { carId: car.id, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) },
        who.auth,
      );
      expect(booking.statusCode).toBe(201);
      const wrong = await t.app.inject({
        method: 'DELETE',
        url: '/auth/me',
        headers: who.auth,
        payload: { currentPassword: 'nope' },
      });
      expect(errorCode(wrong)).toBe('wrong_password');
      const res = await t.app.inject({
        method: 'DELETE',
        url: '/auth/me',
        headers: who.auth,
        payload: { currentPassword: PASSWORD },
      });
      expect(res.statusCode).toBe(204);
      expect(errorCode(await me(who))).toBe('account_disabled');
      expect((await login(who.email)).statusCode).toBe(401);
      const { rows } = await t.db.database.pool.query(
        'SELECT email, name, deleted_at FROM users WHERE id = $1',
        [who.userId],
      );
      expect(rows[0].email).not.toContain(who.email.split('@')[0]);
      expect(rows[0].name).toBe('Deleted account');
      expect(rows[0].deleted_at).not.toBeNull();
      const kept = await t.db.database.pool.query(
        'SELECT count(*)::int AS n FROM bookings WHERE user_id = $1',
        [who.userId],
      );
      expect(kept.rows[0].n).toBe(1);
      const audit = await t.services.identity.listAudit({ subject: who.userId, action: 'user.delete' });
      expect(audit).toHaveLength(1);
      // The address is free for a new account.
      expect(
        (await post('/auth/signup', { email: who.email, password: PASSWORD, name: 'New' })).statusCode,
      ).toBe(201);
    });
  });

  describe('MFA', () => {
    let who: SignedIn;
    let secret: string;
    let recoveryCodes: string[];
    const code = () => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

    beforeAll(async () => {
      who = await signUp(t.app);
    });

    it('is set up with a code from the app and returns ten recovery codes', async () => {
      const setup = await post('/auth/mfa/setup', undefined, who.auth);
      expect(setup.json().otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
      secret = setup.json().secret;
      expect(errorCode(await post('/auth/mfa/enable', { code: '000000' }, who.auth))).toBe(
        'invalid_mfa_code',
      );
      const enabled = await post('/auth/mfa/enable', { code: await code() }, who.auth);
      expect(enabled.statusCode).toBe(200);
      recoveryCodes = enabled.json().recoveryCodes;
      expect(recoveryCodes).toHaveLength(10);
      expect((await me(who)).json().mfaEnabled).toBe(true);
    });

    it('sign-in then needs a code: 401 mfa_required without, 401 invalid_mfa_code with a wrong one', async () => {
      expect(errorCode(await login(who.email))).toBe('mfa_required');
      expect(errorCode(await login(who.email, PASSWORD, '123456'))).toBe('invalid_mfa_code');
      expect((await login(who.email, PASSWORD, await code())).statusCode).toBe(200);
    });

    it('a recovery code signs in once', async () => {
      const rc = recoveryCodes[0]!;
      expect((await login(who.email, PASSWORD, rc)).statusCode).toBe(200);
      expect(errorCode(await login(who.email, PASSWORD, rc))).toBe('invalid_mfa_code');
    });

    it('admins need an MFA session for admin operations and cannot turn MFA off', async () => {
      const admin = await signInAdmin(t);
      expect((await t.app.inject({ method: 'GET', url: '/users', headers: admin.auth })).statusCode).toBe(
        200,
      );
      const off = await post('/auth/mfa/disable', { code: '123456' }, admin.auth);
      expect(errorCode(off)).toBe('mfa_required_for_admins');
      // A password-only admin session is refused admin operations.
      const plain = uniqueEmail('plain');
      await t.services.identity.createAdmin({ email: plain, name: 'Plain', password: PASSWORD });
      const token = (await login(plain)).json().accessToken;
      const refused = await t.app.inject({
        method: 'GET',
        url: '/users',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refused.statusCode).toBe(403);
      expect(errorCode(refused)).toBe('mfa_required');
    });

    it('a customer turns MFA off with a code', async () => {
      expect((await post('/auth/mfa/disable', { code: await code() }, who.auth)).statusCode).toBe(204);
      expect((await login(who.email)).statusCode).toBe(200);
    });
  });
});
