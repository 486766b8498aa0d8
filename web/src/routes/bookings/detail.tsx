import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { LocalTime } from '../../components/LocalTime';
import { MapView } from '../../components/Map';
import { Money } from '../../components/Money';
import { formatDate, zoneName } from '../../format';
import { t } from '../../i18n';

function Shell(props: {
  title: string;
  isNew: string;
  status: string;
  children: ReactNode;
  total: number;
  currency: string;
  onCancel: () => void;
  cancelling: boolean;
  cancelError: unknown;
}) {
  const [params] = useSearchParams();
  return (
    <section>
      {params.get('new') && props.status === 'confirmed' && (
        <p role="status" className="banner success">
          {props.isNew}
        </p>
      )}
      <h1>{props.title}</h1>
      <p className={`status ${props.status}`}>{t.bookings.status[props.status]}</p>
      {props.children}
      <p className="total">
        {t.bookings.total}: <Money amount={props.total} currency={props.currency} />
      </p>
      <ErrorBanner error={props.cancelError} />
      {props.status === 'confirmed' ? (
        <ConfirmDialog
          trigger={t.bookings.cancel}
          title={t.bookings.cancelTitle}
          body={t.bookings.cancelBody}
          confirm={t.bookings.confirmCancel}
          cancel={t.bookings.keep}
          onConfirm={props.onCancel}
          isPending={props.cancelling}
        />
      ) : (
        <p role="status">{t.bookings.cancelled}</p>
      )}
      <p>
        <Link to="/bookings">{t.bookings.title}</Link>
      </p>
    </section>
  );
}

function useCancel(key: QueryKey, run: () => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (data) => {
      qc.setQueryData(key, data);
      void qc.invalidateQueries({ queryKey: ['my-bookings'] });
    },
  });
}

export function CarBookingPage() {
  const { id = '' } = useParams();
  const key = ['car-booking', id];
  const booking = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/bookings/{id}', { params: { path: { id } } })),
  });
  const car = useQuery({
    queryKey: ['car', booking.data?.carId],
    enabled: !!booking.data,
    queryFn: () => unwrap(api.GET('/cars/{id}', { params: { path: { id: booking.data!.carId } } })),
  });
  const location = useQuery({
    queryKey: ['location', car.data?.locationId],
    enabled: !!car.data,
    queryFn: () => unwrap(api.GET('/locations/{id}', { params: { path: { id: car.data!.locationId } } })),
  });
  const cancel = useCancel(key, () =>
    unwrap(api.POST('/bookings/{id}/cancel', { params: { path: { id } } })),
  );
  if (booking.error) return <ErrorBanner error={booking.error} onRetry={() => void booking.refetch()} />;
  if (!booking.data || !car.data || !location.data) return <p role="status">{t.app.loading}</p>;
  const b = booking.data;
  const tz = location.data.timeZone;
  return (
    <Shell
      title={t.cars.carTitle(car.data.make, car.data.model)}
      isNew={t.cars.booked}
      status={b.status}
      total={b.totalAmount}
      currency={b.currency}
      onCancel={() => cancel.mutate()}
      cancelling={cancel.isPending}
      cancelError={cancel.error}
    >
      <p>{t.cars.at(`${location.data.name}, ${location.data.city}`)}</p>
      <dl>
        <dt>{t.cars.pickup}</dt>
        <dd>
          <LocalTime at={b.pickupTime} timeZone={tz} />
        </dd>
        <dt>{t.cars.dropoff}</dt>
        <dd>
          <LocalTime at={b.dropoffTime} timeZone={tz} />
        </dd>
      </dl>
      <p className="hint">{t.search.timesIn(zoneName(tz))}</p>
      <MapView
        points={[
          { id: car.data.id, lat: location.data.lat, lng: location.data.lng, label: location.data.name },
        ]}
        label={t.search.map}
      />
    </Shell>
  );
}

export function StayBookingPage() {
  const { id = '' } = useParams();
  const key = ['stay-booking', id];
  const booking = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/stay-bookings/{id}', { params: { path: { id } } })),
  });
  const cancel = useCancel(key, () =>
    unwrap(api.POST('/stay-bookings/{id}/cancel', { params: { path: { id } } })),
  );
  if (booking.error) return <ErrorBanner error={booking.error} onRetry={() => void booking.refetch()} />;
  if (!booking.data) return <p role="status">{t.app.loading}</p>;
  const b = booking.data;
  const tz = b.property.timeZone;
  return (
    <Shell
      title={`${b.property.name} · ${b.roomTypeName}`}
      isNew={t.stays.booked}
      status={b.status}
      total={b.totalAmount}
      currency={b.currency}
      onCancel={() => cancel.mutate()}
      cancelling={cancel.isPending}
      cancelError={cancel.error}
    >
      <p>
        {b.property.address}, {b.property.city}
      </p>
      <dl>
        <dt>{t.stays.checkIn}</dt>
        <dd>
          {formatDate(b.checkIn)} · <LocalTime at={b.checkInAt} timeZone={tz} />
        </dd>
        <dt>{t.stays.checkOut}</dt>
        <dd>
          {formatDate(b.checkOut)} · <LocalTime at={b.checkOutAt} timeZone={tz} />
        </dd>
        <dt>{t.stays.guests}</dt>
        <dd>{b.guests}</dd>
      </dl>
      <p className="hint">{t.search.timesIn(zoneName(tz))}</p>
      <MapView
        points={[{ id: b.property.id, lat: b.property.lat, lng: b.property.lng, label: b.property.name }]}
        label={t.search.map}
      />
    </Shell>
  );
}

export function FlightBookingPage() {
  const { id = '' } = useParams();
  const key = ['flight-booking', id];
  const booking = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/flight-bookings/{id}', { params: { path: { id } } })),
  });
  const cancel = useCancel(key, () =>
    unwrap(api.POST('/flight-bookings/{id}/cancel', { params: { path: { id } } })),
  );
  if (booking.error) return <ErrorBanner error={booking.error} onRetry={() => void booking.refetch()} />;
  if (!booking.data) return <p role="status">{t.app.loading}</p>;
  const b = booking.data;
  return (
    <Shell
      title={`${b.origin} → ${b.destination}`}
      isNew={t.flights.booked}
      status={b.status}
      total={b.totalAmount}
      currency={b.currency}
      onCancel={() => cancel.mutate()}
      cancelling={cancel.isPending}
      cancelError={cancel.error}
    >
      <p>
        {t.bookings.reference}: <strong>{b.bookingReference}</strong>
      </p>
      <ol className="segments">
        {b.segments.map((s) => (
          <li key={`${s.flightNumber}-${s.departureAt}`}>
            {s.carrier} {s.flightNumber}: {s.originName} (
            <LocalTime at={s.departureAt} timeZone={s.departureTimeZone} />) → {s.destinationName} (
            <LocalTime at={s.arrivalAt} timeZone={s.arrivalTimeZone} />)
          </li>
        ))}
      </ol>
      <ul>
        {b.passengers.map((p) => (
          <li key={`${p.givenName}-${p.familyName}`}>
            {p.givenName} {p.familyName}
          </li>
        ))}
      </ul>
    </Shell>
  );
}
