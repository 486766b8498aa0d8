import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { startSmtpServer } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';
import { createServerDatabase, SECRETS, startVoyage, tempDir, voyage, waitFor } from './helpers/processes.js';

const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A response's JSON, failing with the body when the status is not 2xx. */
async function json(res: Response) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  // biome-ignore lint/suspicious/noExplicitAny: JSON answered by the service under test
  return body as Record<string, any>;
}

describe('notifications across processes', () => {
  it('the api role writes events to the outbox; the worker relays them and emails through SMTP', async () => {
    const smtp = await startSmtpServer();
    const db = await createServerDatabase();
    const env = {
      DATABASE_URL: db.url,
      ...SECRETS,
      RATE_LIMIT_MAX: '0',
      SMTP_URL: smtp.url,
      OUTBOX_RELAY_INTERVAL: '300ms',
      PUBLIC_URL: 'https://voyage.example',
    };
    const procs: Awaited<ReturnType<typeof startVoyage>>[] = [];
    try {
      expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
      const seeded = await voyage(['seed', '--cars', '100', '--bookings', '0', '--json'], env);
      expect(seeded.code, seeded.stderr).toBe(0);
      expect(JSON.parse(seeded.stdout).travel).toMatchObject({ airports: 20, properties: 60 });

      const api = await startVoyage(env, ['--role', 'api']);
      procs.push(api);
      await waitFor(`${api.url}/health/ready`, 200, 60_000, api);
      const post = (url: string, body: unknown, token?: string) =>
        fetch(`${api.url}${url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
          body: JSON.stringify(body),
        });
      const { accessToken: token, user } = await json(
        await post('/auth/signup', {
          email: 'traveller@example.com',
          password: 'correct horse battery',
          name: 'Tia Traveller',
        }),
      );
      const search = await json(
        await fetch(`${api.url}/stays/search?city=San%20Francisco&checkIn=${day(30)}&checkOut=${day(32)}`),
      );
      const roomTypeId = search.properties[0].roomTypes[0].id;
      const stay = await json(
        await post('/stay-bookings', { roomTypeId, checkIn: day(30), checkOut: day(32), guests: 1 }, token),
      );

      // Without a worker nothing is sent: the event waits in the outbox.
      await sleep(1500);
      expect(smtp.received).toHaveLength(0);
      const pending = await json(
        await fetch(`${api.url}/notifications`, { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(pending.notifications[0]).toMatchObject({
        type: 'booking.confirmed',
        subjectId: stay.id,
        status: 'pending',
      });

      const worker = await startVoyage(env, ['--role', 'worker']);
      procs.push(worker);
      await waitFor(`${worker.url}/health/ready`, 200, 60_000, worker);
      // The signup's address confirmation goes out too; the booking's confirmation is the one here.
      const confirmation = () => smtp.received.find((m) => m.parsed.subject?.startsWith('Confirmed:'));
      await until(() => confirmation() !== undefined, 'the confirmation email', 60_000);
      const mail = confirmation()!;
      expect(mail.to).toEqual([user.email]);
      expect(mail.parsed.subject).toBe(
        `Confirmed: ${stay.roomTypeName} at ${stay.property.name}, San Francisco`,
      );
      expect(mail.parsed.text).toContain('Hello Tia Traveller,');
      expect(mail.parsed.html).toContain('Your stay is confirmed.');
      await until(async () => {
        const list = await json(
          await fetch(`${api.url}/notifications`, { headers: { authorization: `Bearer ${token}` } }),
        );
        return list.notifications[0].status === 'sent';
      }, 'the delivery to be recorded');
    } finally {
      for (const p of procs) await p.stop();
      await db.drop();
      await smtp.close();
    }
  });
});

describe('the embedded start with demo data', () => {
  it('has the travel catalogue, the demo trip with its plan, and the emails as .eml files', async () => {
    const data = await tempDir();
    const proc = await startVoyage({ DATA_DIR: data.dir });
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      const login = await json(
        await fetch(`${proc.url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'demo@voyage.example', password: 'voyage-demo-password' }),
        }),
      );
      const auth = { authorization: `Bearer ${login.accessToken}` };
      const { trips } = await json(await fetch(`${proc.url}/trips`, { headers: auth }));
      expect(trips).toHaveLength(1);
      expect(trips[0]).toMatchObject({ name: 'Long weekend in Paris', status: 'booked' });
      const { items } = await json(await fetch(`${proc.url}/trips/${trips[0].id}/items`, { headers: auth }));
      expect(items.map((i: { kind: string }) => i.kind).sort()).toEqual([
        'flight_booking',
        'note',
        'stay_booking',
      ]);
      const plan = await json(await fetch(`${proc.url}/trips/${trips[0].id}/plan`, { headers: auth }));
      expect(plan.days.flatMap((d: { stops: { name: string }[] }) => d.stops.map((s) => s.name))).toContain(
        'Eiffel Tower',
      );
      const { cities } = await json(await fetch(`${proc.url}/pois/cities`));
      expect(cities).toHaveLength(20);
      const pdf = await fetch(`${proc.url}/trips/${trips[0].id}/itinerary.pdf`, { headers: auth });
      expect(pdf.headers.get('content-type')).toBe('application/pdf');

      // The stay, the flight and the plan each sent an email, written into the data directory.
      const mailDir = path.join(data.dir, 'mail');
      await until(
        async () => (await readdir(mailDir).catch(() => [])).length >= 3,
        'three .eml files',
        60_000,
      );
      const subjects = await Promise.all(
        (await readdir(mailDir)).map(
          async (f) => (await PostalMime.parse(await readFile(path.join(mailDir, f), 'utf8'))).subject,
        ),
      );
      expect(subjects).toEqual(
        expect.arrayContaining([
          'Confirmed: Standard double at Paris Grand Hotel, Paris',
          expect.stringMatching(/^Confirmed: LHR → CDG, VY\d+$/),
          'Your itinerary for "Long weekend in Paris" is ready',
        ]),
      );
    } finally {
      await proc.stop();
      await data.remove();
    }
  });
});
