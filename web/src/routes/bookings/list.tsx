import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { LocalTime } from '../../components/LocalTime';
import { Money } from '../../components/Money';
import { t } from '../../i18n';

interface Row {
  kind: 'car' | 'stay' | 'flight';
  id: string;
  title: string;
  start: string;
  timeZone: string;
  status: string;
  total: number;
  currency: string;
  href: string;
}

/** Cars, stays and flights in one list, upcoming first, then past and cancelled. */
export function BookingList() {
  const all = useQuery({
    queryKey: ['my-bookings'],
    queryFn: async (): Promise<Row[]> => {
      const [cars, stays, flights] = await Promise.all([
        unwrap(api.GET('/bookings', { params: { query: { limit: 100 } } })),
        unwrap(api.GET('/stay-bookings', { params: { query: { limit: 100 } } })),
        unwrap(api.GET('/flight-bookings', { params: { query: { limit: 100 } } })),
      ]);
      // A car booking's times read in its pick-up location's zone: the car and its location say which.
      const carPlaces = await Promise.all(
        cars.bookings.map(async (b) => {
          const car = await unwrap(api.GET('/cars/{id}', { params: { path: { id: b.carId } } }));
          const at = await unwrap(api.GET('/locations/{id}', { params: { path: { id: car.locationId } } }));
          return { title: `${t.cars.carTitle(car.make, car.model)} · ${at.name}`, timeZone: at.timeZone };
        }),
      );
      return [
        ...cars.bookings.map((b, i) => ({
          kind: 'car' as const,
          id: b.id,
          title: carPlaces[i]!.title,
          start: b.pickupTime,
          timeZone: carPlaces[i]!.timeZone,
          status: b.status,
          total: b.totalAmount,
          currency: b.currency,
          href: `/bookings/cars/${b.id}`,
        })),
        ...stays.bookings.map((b) => ({
          kind: 'stay' as const,
          id: b.id,
          title: `${b.property.name} · ${b.roomTypeName}`,
          start: b.checkInAt,
          timeZone: b.property.timeZone,
          status: b.status,
          total: b.totalAmount,
          currency: b.currency,
          href: `/bookings/stays/${b.id}`,
        })),
        ...flights.bookings.map((b) => ({
          kind: 'flight' as const,
          id: b.id,
          title: `${b.origin} → ${b.destination} · ${b.bookingReference}`,
          start: b.departureAt,
          timeZone: b.segments[0]?.departureTimeZone ?? 'UTC',
          status: b.status,
          total: b.totalAmount,
          currency: b.currency,
          href: `/bookings/flights/${b.id}`,
        })),
      ].sort((a, b) => a.start.localeCompare(b.start));
    },
  });
  if (all.error) return <ErrorBanner error={all.error} onRetry={() => void all.refetch()} />;
  if (!all.data) return <p role="status">{t.app.loading}</p>;
  const nowIso = new Date().toISOString();
  // A hold still waiting for payment is upcoming too: its row says so and leads to its checkout.
  const upcoming = all.data.filter(
    (r) => (r.status === 'confirmed' || r.status === 'pending') && r.start >= nowIso,
  );
  const past = all.data.filter((r) => !upcoming.includes(r)).reverse();
  const table = (rows: Row[], empty: string) =>
    rows.length === 0 ? (
      <p>{empty}</p>
    ) : (
      <ul className="cards">
        {rows.map((r) => (
          <li key={r.id} className="card">
            <h3>
              <Link to={r.href}>
                {t.bookings[r.kind]}: {r.title}
              </Link>
            </h3>
            <p>
              <LocalTime at={r.start} timeZone={r.timeZone} /> ·{' '}
              <span className={`status ${r.status}`}>
                {t.checkout.status[r.status] ?? t.bookings.status[r.status]}
              </span>{' '}
              · <Money amount={r.total} currency={r.currency} />
            </p>
          </li>
        ))}
      </ul>
    );
  return (
    <section>
      <h1>{t.bookings.title}</h1>
      <h2>{t.bookings.upcoming}</h2>
      {table(upcoming, t.bookings.none)}
      <h2>{t.bookings.past}</h2>
      {table(past, t.bookings.nonePast)}
    </section>
  );
}
