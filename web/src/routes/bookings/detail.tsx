import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { type CancelResult, type CheckoutKind, checkoutApi, checkoutPath } from '../../api/checkout';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { LocalTime } from '../../components/LocalTime';
import { MapView } from '../../components/Map';
import { Money } from '../../components/Money';
import { formatDate, formatMoney, zoneName } from '../../format';
import { t } from '../../i18n';
import { CancelBooking } from './cancel';

function Shell(props: {
  kind: CheckoutKind;
  id: string;
  queryKey: readonly unknown[];
  title: string;
  isNew: string;
  status: string;
  children: ReactNode;
  total: number;
  currency: string;
}) {
  const [params] = useSearchParams();
  const [cancelled, setCancelled] = useState<CancelResult>();
  const status = cancelled?.booking.status ?? props.status;
  const checkout = useQuery({
    queryKey: ['checkout', props.kind, props.id],
    queryFn: () => checkoutApi.get(props.kind, props.id),
    retry: false,
  });
  const paid = checkout.data?.booking;
  return (
    <section>
      {params.get('new') && status === 'confirmed' && (
        <p role="status" className="banner success">
          {props.isNew}
        </p>
      )}
      <h1>{props.title}</h1>
      <p className={`status ${status}`}>{t.checkout.status[status] ?? t.bookings.status[status]}</p>
      {props.children}
      <p className="total">
        {t.bookings.total}: <Money amount={props.total} currency={props.currency} />
      </p>
      {paid && (
        <dl className="facts">
          {paid.amountCharged > 0 && (
            <Amount label={t.checkout.paid} amount={paid.amountCharged} currency={paid.currency} />
          )}
          {paid.amountDueOnSite > 0 && status === 'confirmed' && (
            <Amount label={t.checkout.dueOnSite} amount={paid.amountDueOnSite} currency={paid.currency} />
          )}
          {paid.amountRefunded > 0 && (
            <Amount label={t.checkout.refunded} amount={paid.amountRefunded} currency={paid.currency} />
          )}
        </dl>
      )}
      {status === 'pending' && (
        <p>
          <Link className="button" to={checkoutPath(props.kind, props.id)}>
            {t.checkout.continue}
          </Link>
        </p>
      )}
      {cancelled && cancelled.refund.amount > 0 && (
        <p role="status" className="banner success">
          {t.checkout.refundDone(formatMoney(cancelled.refund.amount, cancelled.booking.currency))}
        </p>
      )}
      {status === 'confirmed' || status === 'pending' ? (
        <CancelBooking kind={props.kind} id={props.id} queryKey={props.queryKey} onDone={setCancelled} />
      ) : status === 'cancelled' || status === 'refunded' ? (
        <p role="status">{t.bookings.cancelled}</p>
      ) : null}
      <p>
        <Link to="/bookings">{t.bookings.title}</Link>
      </p>
    </section>
  );
}

function Amount(props: { label: string; amount: number; currency: string }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>
        <Money amount={props.amount} currency={props.currency} />
      </dd>
    </>
  );
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
  if (booking.error) return <ErrorBanner error={booking.error} onRetry={() => void booking.refetch()} />;
  if (!booking.data || !car.data || !location.data) return <p role="status">{t.app.loading}</p>;
  const b = booking.data;
  const tz = location.data.timeZone;
  return (
    <Shell
      title={t.cars.carTitle(car.data.make, car.data.model)}
      kind="car"
      id={id}
      queryKey={key}
      isNew={t.cars.booked}
      status={b.status}
      total={b.totalAmount}
      currency={b.currency}
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
  if (booking.error) return <ErrorBanner error={booking.error} onRetry={() => void booking.refetch()} />;
  if (!booking.data) return <p role="status">{t.app.loading}</p>;
  const b = booking.data;
  const tz = b.property.timeZone;
  return (
    <Shell
      title={`${b.property.name} · ${b.roomTypeName}`}
      kind="stay"
      id={id}
      queryKey={key}
      isNew={t.stays.booked}
      status={b.status}
      total={b.totalAmount}
      currency={b.currency}
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
  if (booking.error) return <ErrorBanner error={booking.error} onRetry={() => void booking.refetch()} />;
  if (!booking.data) return <p role="status">{t.app.loading}</p>;
  const b = booking.data;
  return (
    <Shell
      title={`${b.origin} → ${b.destination}`}
      kind="flight"
      id={id}
      queryKey={key}
      isNew={t.flights.booked}
      status={b.status}
      total={b.totalAmount}
      currency={b.currency}
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
