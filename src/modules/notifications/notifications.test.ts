import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../test/helpers/factories.js';
import { startMailingApp } from '../../../test/helpers/mailing-app.js';
import type { SmtpTestServer } from '../../../test/helpers/smtp.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { until } from '../../../test/helpers/wait.js';

describe('notifications through the outbox', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let alice: SignedIn;
  let admin: SignedIn;
  let locationId: string;
  const base = new Date(Date.now() + 40 * 86_400_000);

  beforeAll(async () => {
    ({ t, smtp } = await startMailingApp());
    alice = await signUp(t.app, { name: 'Alice Martin' });
    admin = await signInAdmin(t);
    locationId = (await buildLocation(t.services, { name: 'Paris Gare de Lyon', timeZone: 'Europe/Paris' }))
      .id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const book = async (who: SignedIn, day: number) => {
    const car = await buildCar(t.services, locationId, {
      make: 'Renault',
      model: 'Clio',
      dailyRate: 4200,
      currency: 'EUR',
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: who.auth,
      payload: { carId: car.id, pickupTime: daysFrom(base, day, 8), dropoffTime: daysFrom(base, day + 2, 8) },
    });
    expect(res.statusCode).toBe(201);
    return { booking: res.json(), carId: car.id };
  };
  const mailsFor = (bookingId: string) => smtp.received.filter((m) => m.parsed.text?.includes(bookingId));
  const eventsFor = async (bookingId: string) =>
    (
      await t.db.database.pool.query(
        `SELECT id, type, relayed_at FROM outbox_events WHERE aggregate_id = $1 ORDER BY occurred_at`,
        [bookingId],
      )
    ).rows;

  it('writes the event with the booking, and none for a refused booking', async () => {
    const { booking, carId } = await book(alice, 0);
    const events = await eventsFor(booking.id);
    expect(events.map((e) => e.type)).toEqual(['booking.confirmed']);
    const clash = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: alice.auth,
      payload: { carId, pickupTime: daysFrom(base, 1), dropoffTime: daysFrom(base, 3) },
    });
    expect(clash.statusCode).toBe(409);
    const { rows } = await t.db.database.pool.query(
      `SELECT count(*)::int AS n FROM outbox_events o JOIN bookings b ON b.id = o.aggregate_id WHERE b.car_id = $1`,
      [carId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('relays it to a job and emails a text and HTML confirmation, then a cancellation', async () => {
    const { booking } = await book(alice, 10);
    await until(() => mailsFor(booking.id).length === 1, 'confirmation email');
    const [event] = await eventsFor(booking.id);
    expect(event.relayed_at).not.toBeNull();
    const mail = mailsFor(booking.id)[0]!;
    expect(mail.to).toEqual([alice.email]);
    expect(mail.parsed.subject).toBe('Confirmed: Renault Clio at Paris Gare de Lyon');
    expect(mail.parsed.messageId).toBe(`<${event.id}@voyage>`);
    expect(mail.parsed.from?.address).toBe('no-reply@voyage.example');
    // Times are shown in the rental's own time zone, whatever the server's.
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(booking.pickupTime));
    expect(mail.parsed.text).toContain('Hello Alice Martin,');
    expect(mail.parsed.text).toContain('Your car rental is confirmed.');
    expect(mail.parsed.text).toContain(`${local} (Europe/Paris)`);
    expect(mail.parsed.text).toContain('€84.00');
    expect(mail.parsed.html).toContain('<th align="left">Total</th><td>€84.00</td>');
    expect(mail.parsed.html).toContain('Renault Clio at Paris Gare de Lyon');

    const cancel = await t.app.inject({
      method: 'POST',
      url: `/bookings/${booking.id}/cancel`,
      headers: alice.auth,
    });
    expect(cancel.statusCode).toBe(200);
    await until(() => mailsFor(booking.id).length === 2, 'cancellation email');
    expect(mailsFor(booking.id)[1]!.parsed.subject).toBe('Cancelled: Renault Clio at Paris Gare de Lyon');

    const mine = await t.app.inject({ method: 'GET', url: '/notifications', headers: alice.auth });
    const listed = mine.json().notifications.filter((n: { subjectId: string }) => n.subjectId === booking.id);
    expect(listed.map((n: { type: string; status: string }) => [n.type, n.status])).toEqual([
      ['booking.cancelled', 'sent'],
      ['booking.confirmed', 'sent'],
    ]);
  });

  it('retries after a temporary 4xx and sends exactly once', async () => {
    let refusals = 0;
    smtp.setPolicy(() =>
      refusals++ === 0 ? { code: 451, message: 'Greylisted, try again later' } : undefined,
    );
    const { booking } = await book(alice, 20);
    await until(() => mailsFor(booking.id).length === 1, 'email after the retry');
    smtp.setPolicy(() => undefined);
    expect(smtp.refused.some((r) => r.code === 451)).toBe(true);
    const [event] = await eventsFor(booking.id);
    const { rows } = await t.db.database.pool.query(
      `SELECT status, attempts, last_error FROM notification_deliveries WHERE event_id = $1`,
      [event.id],
    );
    expect(rows[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(mailsFor(booking.id)).toHaveLength(1);
  });

  it('dead-letters an email whose retries run out; an admin lists and retries it, and it is sent once', async () => {
    const bounced = await signUp(t.app, { name: 'Bounced' });
    smtp.setPolicy((to) =>
      to.includes(bounced.email) ? { code: 550, message: 'Mailbox unavailable' } : undefined,
    );
    const { booking } = await book(bounced, 30);
    const [event] = await eventsFor(booking.id);
    let deadLetterId = '';
    await until(
      async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: '/notifications/dead-letters',
          headers: admin.auth,
        });
        const found = res.json().deadLetters.find((d: { eventId: string }) => d.eventId === event.id);
        deadLetterId = found?.id ?? '';
        return !!found;
      },
      'dead letter',
      40_000,
    );
    const list = await t.app.inject({
      method: 'GET',
      url: '/notifications/dead-letters',
      headers: admin.auth,
    });
    const dead = list.json().deadLetters.find((d: { eventId: string }) => d.eventId === event.id);
    expect(dead).toMatchObject({ type: 'booking.confirmed', recipient: bounced.userId, attempts: 2 });
    expect(dead.error).toMatch(/Mailbox unavailable/);
    expect(mailsFor(booking.id)).toHaveLength(0);

    const forbidden = await t.app.inject({
      method: 'GET',
      url: '/notifications/dead-letters',
      headers: alice.auth,
    });
    expect(forbidden.statusCode).toBe(403);

    smtp.setPolicy(() => undefined);
    const retry = await t.app.inject({
      method: 'POST',
      url: `/notifications/dead-letters/${deadLetterId}/retry`,
      headers: admin.auth,
    });
    expect(retry.statusCode).toBe(202);
    await until(() => mailsFor(booking.id).length === 1, 'email after the admin retry');
    const again = await t.app.inject({
      method: 'POST',
      url: `/notifications/dead-letters/${deadLetterId}/retry`,
      headers: admin.auth,
    });
    expect(again.statusCode).toBe(404);
    expect(errorCode(again)).toBe('dead_letter_not_found');

    // The same job arriving again, or the handler running twice, never sends a second email.
    await t.ctx.jobs.send('notifications.deliver', { eventId: event.id });
    expect(await t.services.notifications.deliver(event.id)).toBe('already_sent');
    await until(async () => {
      const { rows } = await t.db.database.pool.query(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.deliver' AND data->>'eventId' = $1 AND state = 'completed'`,
        [event.id],
      );
      return rows[0].n >= 2;
    }, 'the repeated job to run');
    expect(mailsFor(booking.id)).toHaveLength(1);
  });

  it('relays each event once even with concurrent relays', async () => {
    const { booking } = await book(alice, 40);
    const [event] = await eventsFor(booking.id);
    await Promise.all([
      t.services.notifications.relayPending(),
      t.services.notifications.relayPending(),
      t.services.notifications.relayPending(),
    ]);
    await until(() => mailsFor(booking.id).length === 1, 'email');
    const { rows } = await t.db.database.pool.query(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.deliver' AND data->>'eventId' = $1`,
      [event.id],
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('notifications without SMTP_URL', () => {
  it('writes each email as an .eml file into the data directory', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'voyage-mail-'));
    const t = await createTestApp({ env: { DATA_DIR: dataDir } });
    try {
      const alice = await signUp(t.app, { name: 'Alice' });
      const locationId = (await buildLocation(t.services, { name: 'Lisbon Oriente' })).id;
      const car = await buildCar(t.services, locationId);
      const start = new Date(Date.now() + 10 * 86_400_000);
      const res = await t.app.inject({
        method: 'POST',
        url: '/bookings',
        headers: alice.auth,
        payload: { carId: car.id, pickupTime: daysFrom(start, 0), dropoffTime: daysFrom(start, 1) },
      });
      const { rows } = await t.db.database.pool.query(
        `SELECT id FROM outbox_events WHERE aggregate_id = $1`,
        [res.json().id],
      );
      expect(await t.services.notifications.deliver(rows[0].id)).toBe('sent');
      const files = await readdir(path.join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      const mail = await PostalMime.parse(await readFile(path.join(dataDir, 'mail', files[0]!), 'utf8'));
      expect(mail.to?.[0]?.address).toBe(alice.email);
      expect(mail.subject).toBe('Confirmed: Toyota Corolla at Lisbon Oriente');
      expect(mail.text).toContain('Your car rental is confirmed.');
      expect(mail.html).toContain('<table');
    } finally {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
