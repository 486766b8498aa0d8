import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../test/helpers/factories.js';
import { startMailingApp } from '../../../test/helpers/mailing-app.js';
import type { SmtpTestServer } from '../../../test/helpers/smtp.js';
import {
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { until } from '../../../test/helpers/wait.js';

/** Polls until `find` gives a value, and returns it. */
async function eventually<T>(find: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  let found: T | undefined;
  await until(async () => {
    found = await find();
    return found !== undefined;
  }, what);
  return found as T;
}

interface Entry {
  id: string;
  type: string;
  subjectId: string;
  status: string;
  recipient: string | null;
  subject: string | null;
}

describe("the operators' outbox: everyone's notifications, and the emails as sent", () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let admin: SignedIn;
  let locationId: string;
  const base = new Date(Date.now() + 90 * 86_400_000);

  beforeAll(async () => {
    ({ t, smtp } = await startMailingApp());
    admin = await signInAdmin(t);
    locationId = (await buildLocation(t.services, { name: 'Porto Campanhã', timeZone: 'Europe/Lisbon' })).id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const book = async (who: SignedIn, day: number) => {
    const car = await buildCar(t.services, locationId, { make: 'Seat', model: 'Ibiza' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: who.auth,
      payload: { carId: car.id, pickupTime: daysFrom(base, day, 9), dropoffTime: daysFrom(base, day + 1, 9) },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };
  const outbox = async (query = '') => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/notifications/outbox${query}`,
      headers: admin.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().notifications as Entry[];
  };

  it("lists every traveller's notifications with their recipient, and narrows to one address", async () => {
    const ana = await signUp(t.app, { name: 'Ana Sousa' });
    const rui = await signUp(t.app, { name: 'Rui Costa' });
    const [a, r] = [await book(ana, 0), await book(rui, 3)];
    const all = await outbox('?limit=200');
    const confirmationOf = (id: string) =>
      all.find((n) => n.type === 'booking.confirmed' && n.subjectId === id);
    expect(confirmationOf(a.id)?.recipient).toBe(ana.email);
    expect(confirmationOf(r.id)?.recipient).toBe(rui.email);

    const onlyAna = await outbox(`?recipient=${encodeURIComponent(ana.email.toUpperCase())}`);
    expect(onlyAna.length).toBeGreaterThan(0);
    expect(onlyAna.every((n) => n.recipient === ana.email)).toBe(true);
    expect(onlyAna.some((n) => n.subjectId === a.id)).toBe(true);
    expect(onlyAna.some((n) => n.subjectId === r.id)).toBe(false);
  });

  it('shows the email exactly as the mail server received it, once sent', async () => {
    const eva = await signUp(t.app, { name: 'Eva Lima' });
    const booking = await book(eva, 6);
    const mail = await eventually(
      () => smtp.received.find((m) => m.parsed.text?.includes(booking.id)),
      'the confirmation email',
    );
    const entry = await eventually(
      async () =>
        (await outbox(`?recipient=${encodeURIComponent(eva.email)}`)).find(
          (n) => n.subjectId === booking.id && n.status === 'sent',
        ),
      'the delivery marked sent',
    );
    const res = await t.app.inject({
      method: 'GET',
      url: `/notifications/outbox/${entry.id}`,
      headers: admin.auth,
    });
    expect(res.statusCode).toBe(200);
    const message = res.json();
    expect(message).toMatchObject({
      source: 'sent',
      status: 'sent',
      to: eva.email,
      subject: mail.parsed.subject,
    });
    expect(message.text.trim()).toBe(mail.parsed.text?.trim());
    expect(message.html.trim()).toBe(mail.parsed.html?.trim());
    expect(message.messageId).toBeTruthy();
  });

  it('previews an email that has not gone out yet', async () => {
    const zoe = await signUp(t.app, { name: 'Zoe Pinto' });
    // Refused for good: the email never goes out, and the console still shows what it says.
    smtp.setPolicy((to) =>
      to.includes(zoe.email) ? { code: 550, message: 'Mailbox unavailable' } : undefined,
    );
    try {
      const booking = await book(zoe, 9);
      const entry = (await outbox(`?recipient=${encodeURIComponent(zoe.email)}`)).find(
        (n) => n.subjectId === booking.id,
      )!;
      const message = (
        await t.app.inject({ method: 'GET', url: `/notifications/outbox/${entry.id}`, headers: admin.auth })
      ).json();
      expect(message.source).toBe('preview');
      expect(message.to).toBe(zoe.email);
      expect(message.text).toContain('Zoe Pinto');
      expect(message.sentAt).toBeNull();
    } finally {
      smtp.setPolicy(() => undefined);
    }
  });

  it('is for admins only, and answers bad or unknown ids clearly', async () => {
    const customer = await signUp(t.app);
    for (const url of ['/notifications/outbox', `/notifications/outbox/${crypto.randomUUID()}`]) {
      expect((await t.app.inject({ method: 'GET', url, headers: customer.auth })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    const unknown = await t.app.inject({
      method: 'GET',
      url: `/notifications/outbox/${crypto.randomUUID()}`,
      headers: admin.auth,
    });
    expect(unknown.statusCode).toBe(404);
    expect(errorCode(unknown)).toBe('notification_not_found');
    const bad = await t.app.inject({ method: 'GET', url: '/notifications/outbox/nope', headers: admin.auth });
    expect(bad.statusCode).toBe(400);
    const badRecipient = await t.app.inject({
      method: 'GET',
      url: '/notifications/outbox?recipient=not-an-email',
      headers: admin.auth,
    });
    expect(badRecipient.statusCode).toBe(400);
  });
});
