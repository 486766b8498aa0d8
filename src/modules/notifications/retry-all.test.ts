import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../test/helpers/factories.js';
import { startMailingApp } from '../../../test/helpers/mailing-app.js';
import type { SmtpTestServer } from '../../../test/helpers/smtp.js';
import { type SignedIn, signInAdmin, signUp, type TestApp } from '../../../test/helpers/test-app.js';
import { until } from '../../../test/helpers/wait.js';

describe('retrying every dead letter at once', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let admin: SignedIn;
  let locationId: string;
  const base = new Date(Date.now() + 60 * 86_400_000);

  beforeAll(async () => {
    ({ t, smtp } = await startMailingApp());
    admin = await signInAdmin(t);
    locationId = (await buildLocation(t.services, { name: 'Lyon Part-Dieu', timeZone: 'Europe/Paris' })).id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const book = async (who: SignedIn, day: number) => {
    const car = await buildCar(t.services, locationId, { make: 'Peugeot', model: '208' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: who.auth,
      payload: { carId: car.id, pickupTime: daysFrom(base, day, 8), dropoffTime: daysFrom(base, day + 2, 8) },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };
  const mailsFor = (bookingId: string) => smtp.received.filter((m) => m.parsed.text?.includes(bookingId));
  const deadLetters = async () =>
    (await t.app.inject({ method: 'GET', url: '/notifications/dead-letters', headers: admin.auth })).json()
      .deadLetters as { id: string }[];
  const retryAll = () =>
    t.app.inject({ method: 'POST', url: '/notifications/dead-letters/retry-all', headers: admin.auth });

  it('queues every dead letter, each email is sent once, and the operation is audited', async () => {
    const bounced = await signUp(t.app, { name: 'Bounced Twice' });
    smtp.setPolicy((to) =>
      to.includes(bounced.email) ? { code: 550, message: 'Mailbox unavailable' } : undefined,
    );
    const bookings = [await book(bounced, 0), await book(bounced, 10)];
    // Every email to this address dead-letters: the two confirmations, and the sign-up's own.
    const { rows: events } = await t.db.database.pool.query(
      `SELECT id FROM outbox_events WHERE recipient_user_id = $1`,
      [bounced.userId],
    );
    expect(events.length).toBeGreaterThanOrEqual(2);
    await until(async () => (await deadLetters()).length === events.length, 'the dead letters', 40_000);

    const customer = await signUp(t.app);
    const forbidden = await t.app.inject({
      method: 'POST',
      url: '/notifications/dead-letters/retry-all',
      headers: customer.auth,
    });
    expect(forbidden.statusCode).toBe(403);
    expect(await deadLetters()).toHaveLength(events.length);

    smtp.setPolicy(() => undefined);
    const res = await retryAll();
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ queued: events.length });
    for (const b of bookings) await until(() => mailsFor(b.id).length === 1, 'email after retry-all');
    expect(await deadLetters()).toHaveLength(0);

    // Nothing left: a second retry-all queues none and sends nothing more.
    const again = await retryAll();
    expect(again.json()).toEqual({ queued: 0 });
    for (const b of bookings) expect(mailsFor(b.id)).toHaveLength(1);

    const { rows } = await t.db.database.pool.query(
      `SELECT actor_id, details FROM audit_log WHERE action = 'notification.retry_all' ORDER BY occurred_at`,
    );
    expect(rows).toEqual([
      { actor_id: admin.userId, details: { queued: events.length } },
      { actor_id: admin.userId, details: { queued: 0 } },
    ]);
  });
});
