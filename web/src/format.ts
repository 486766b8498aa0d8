/** Money, dates and times through Intl, in the browser's language. */
const locale = () => navigator.language || 'en';

/** Integer minor units in a currency (4500 EUR → €45.00). */
export function formatMoney(minor: number, currency: string): string {
  const f = new Intl.NumberFormat(locale(), { style: 'currency', currency });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

/** The largest amount of a currency's minor units for a whole number of major units. */
export function toMinor(major: number, currency: string): number {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return Math.round(major * 10 ** digits);
}

/** An instant as wall-clock time in a zone, with the zone named: "Mon, 12 May, 10:00 CEST". */
export function formatLocal(iso: string, timeZone: string, opts: { time?: boolean } = {}): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(opts.time === false ? {} : { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }),
  }).format(new Date(iso));
}

/** A calendar date (2027-05-12) as words, with no zone shift. */
export function formatDate(date: string): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** "Paris time (Europe/Paris)" style name for a zone. */
export function zoneName(timeZone: string): string {
  const long = new Intl.DateTimeFormat(locale(), { timeZone, timeZoneName: 'long' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName')?.value;
  return long ? `${long} (${timeZone})` : timeZone;
}
