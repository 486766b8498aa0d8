import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** One answer seen by the steady load: when it was sent, what came back, how long it took. */
export interface Sample {
  at: number;
  kind: 'search' | 'book';
  status: number;
  code?: string;
  ms: number;
  bookingId?: string;
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/**
 * A steady, bounded load of car searches and bookings against `url()`: four clients, each pausing
 * 50 ms between requests (about 40 requests a second). Every answer, and every failure to get one
 * (status 0), is kept as a sample.
 */
export function steadyLoad(opts: { url: () => string; token: string; carIds: string[] }) {
  const samples: Sample[] = [];
  let running = false;
  let done: Promise<void> | undefined;

  async function one(kind: Sample['kind'], i: number): Promise<void> {
    const started = Date.now();
    const base = new Date(Date.now() + (40 + (i % 300)) * 86_400_000);
    const carId = opts.carIds[i % opts.carIds.length]!;
    try {
      const res =
        kind === 'search'
          ? await fetch(`${opts.url()}/search?lat=37.7749&lng=-122.4194`, {
              signal: AbortSignal.timeout(5000),
            })
          : await fetch(`${opts.url()}/bookings`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
              body: JSON.stringify({
                carId,
                pickupTime: new Date(base.getTime() + (i % 24) * 3_600_000).toISOString(),
                dropoffTime: new Date(base.getTime() + ((i % 24) + 2) * 3_600_000).toISOString(),
              }),
              signal: AbortSignal.timeout(5000),
            });
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
      samples.push({
        at: started,
        kind,
        status: res.status,
        ms: Date.now() - started,
        ...(body.error?.code ? { code: body.error.code } : {}),
        ...(kind === 'book' && res.status === 201 && body.id ? { bookingId: body.id } : {}),
      });
    } catch (err) {
      samples.push({ at: started, kind, status: 0, code: (err as Error).name, ms: Date.now() - started });
    }
  }

  return {
    samples,
    start() {
      running = true;
      let n = 0;
      done = Promise.all(
        Array.from({ length: 4 }, async (_, w) => {
          while (running) {
            const i = n++;
            await one(w % 2 === 0 ? 'search' : 'book', i);
            await sleep(50);
          }
        }),
      ).then(() => undefined);
    },
    async stop() {
      running = false;
      await done;
    },
    between: (from: number, to: number) => samples.filter((s) => s.at >= from && s.at < to),
    bookingIds: () => samples.filter((s) => s.bookingId).map((s) => s.bookingId!),
  };
}

/** How many of these car bookings the database holds. */
export async function bookingsFound(databaseUrl: string, ids: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}
