import { z } from 'zod';
import { badRequest } from './errors.js';

/** Shared request/response building blocks with no domain meaning. */

export const latitude = z.coerce.number().min(-90).max(90);
export const longitude = z.coerce.number().min(-180).max(180);

export const isoDateTime = z.iso
  .datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with a time zone, e.g. 2027-05-01T10:00:00Z',
  })
  .transform((v) => new Date(v));

export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
  .refine((c) => Intl.supportedValuesOf('currency').includes(c), 'is not a known ISO 4217 currency');

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));
export const timeZone = z
  .string()
  .refine((tz) => TIME_ZONES.has(tz) || tz === 'UTC', 'must be an IANA time zone such as Europe/Paris');

export const limit = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

export const cursorParam = z.string().max(512).optional();

/** Opaque keyset cursors: base64url JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    traceId: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

/** A calendar date, YYYY-MM-DD. */
export const isoDate = z.iso.date({ message: 'must be a date like 2027-05-01' });

const NewestFirstCursor = z.object({ t: z.iso.datetime(), id: z.uuid() });

/** The keyset of a newest-first listing: rows created before this one (ties broken by id). */
export interface Before {
  createdAt: Date;
  id: string;
}

/**
 * One page of a newest-first listing ordered by (created_at, id): decodes the cursor (400
 * `invalid_cursor` when it is not one), asks `fetch` for one row more than the page, and encodes
 * the next cursor from the page's last row when there is more.
 */
export async function newestFirstPage<R extends { created_at: Date; id: string }, T>(
  q: { limit: number; cursor?: string | undefined },
  fetch: (opts: { limit: number; before?: Before }) => Promise<R[]>,
  map: (row: R) => T,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const cursor = q.cursor ? decodeCursor(q.cursor, NewestFirstCursor) : undefined;
  if (q.cursor && !cursor) throw badRequest('invalid_cursor', 'cursor is not valid');
  const rows = await fetch({
    limit: q.limit + 1,
    ...(cursor && { before: { createdAt: new Date(cursor.t), id: cursor.id } }),
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(map),
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ t: last.created_at.toISOString(), id: last.id }) : null,
  };
}
