import { z } from 'zod';

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
