import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { ErrorBanner } from '../../components/ErrorBanner';
import { DateField } from '../../components/LazyFields';
import { MapView } from '../../components/Map';
import { Money } from '../../components/Money';
import { zoneName } from '../../format';
import { t } from '../../i18n';
import { newAttemptKey } from '../../idempotency';
import { useSession } from '../../session-context';
import { PolicyNote, useHold } from '../checkout/use-hold';
import { defaultWindow, fromIso, toIso } from './window';

export function CarPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const signedIn = useSession();
  const car = useQuery({
    queryKey: ['car', id],
    queryFn: () => unwrap(api.GET('/cars/{id}', { params: { path: { id } } })),
  });
  const location = useQuery({
    queryKey: ['location', car.data?.locationId],
    enabled: !!car.data,
    queryFn: () => unwrap(api.GET('/locations/{id}', { params: { path: { id: car.data!.locationId } } })),
  });
  const zone = location.data?.timeZone;
  const [window, setWindow] = useState<ReturnType<typeof defaultWindow> | undefined>();
  const current =
    window ??
    (zone
      ? params.get('pickup') && params.get('dropoff')
        ? { pickup: fromIso(params.get('pickup')!, zone), dropoff: fromIso(params.get('dropoff')!, zone) }
        : defaultWindow(zone)
      : undefined);

  // The price and the nearest free cars come from the search, for this window.
  const nearby = useQuery({
    queryKey: ['car-nearby', id, current && toIso(current.pickup), current && toIso(current.dropoff)],
    enabled: !!car.data && !!current,
    queryFn: () =>
      unwrap(
        api.GET('/search', {
          params: {
            query: {
              lat: car.data!.lat,
              lng: car.data!.lng,
              radiusKm: 25,
              pickup: toIso(current!.pickup),
              dropoff: toIso(current!.dropoff),
              limit: 6,
            },
          },
        }),
      ),
  });
  const mine = nearby.data?.cars.find((c) => c.id === id);
  const alternatives = (nearby.data?.cars ?? []).filter((c) => c.id !== id).slice(0, 3);

  const book = useHold({
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) void nearby.refetch();
    },
  });
  const conflict = book.error instanceof ApiError && book.error.code === 'booking_conflict';

  if (car.error) return <ErrorBanner error={car.error} onRetry={() => void car.refetch()} />;
  if (!car.data || !location.data || !current) return <p role="status">{t.app.loading}</p>;
  const c = car.data;
  return (
    <section>
      <h1>{t.cars.carTitle(c.make, c.model)}</h1>
      <p>
        {t.cars.classes[c.class]} · {t.cars.seatsCount(c.seats)} ·{' '}
        {c.transmission === 'manual' ? t.cars.manual : t.cars.automatic}
      </p>
      <p>{t.cars.at(`${location.data.name}, ${location.data.city}`)}</p>
      <p>
        <Money amount={c.dailyRate} currency={c.currency} /> {t.cars.perDay}
      </p>
      <div className="row wrap">
        <DateField
          label={t.cars.pickup}
          value={current.pickup}
          onChange={(pickup) => {
            book.reset();
            setWindow({
              pickup,
              dropoff: current.dropoff.compare(pickup) > 0 ? current.dropoff : pickup.add({ days: 1 }),
            });
          }}
        />
        <DateField
          label={t.cars.dropoff}
          value={current.dropoff}
          onChange={(dropoff) => {
            book.reset();
            setWindow({ ...current, dropoff });
          }}
        />
      </div>
      <p className="hint">{t.search.timesIn(zoneName(location.data.timeZone))}</p>
      {mine?.price && (
        <p className="total">
          {t.bookings.total}: <Money amount={mine.price.total} currency={mine.price.currency} /> (
          {t.cars.total(mine.price.days)})
        </p>
      )}
      <PolicyNote
        policy={c.cancellationPolicy}
        kind="car"
        start={{ at: toIso(current.pickup), timeZone: location.data.timeZone }}
      />
      {conflict ? (
        <div role="alert" className="banner error">
          <p>{t.cars.conflict}</p>
          {alternatives.length === 0 ? (
            <p>{t.cars.noAlternatives}</p>
          ) : (
            <ul>
              {alternatives.map((a) => (
                <li key={a.id}>
                  <Link
                    to={`/cars/${a.id}?pickup=${encodeURIComponent(toIso(current.pickup))}&dropoff=${encodeURIComponent(toIso(current.dropoff))}`}
                    onClick={() => book.reset()}
                  >
                    {t.cars.carTitle(a.make, a.model)}
                  </Link>{' '}
                  · {t.cars.away(a.distanceKm)}
                  {a.price && (
                    <>
                      {' · '}
                      <Money amount={a.price.total} currency={a.price.currency} />
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <ErrorBanner error={book.error} onRetry={() => book.variables && book.mutate(book.variables)} />
      )}
      {signedIn ? (
        <Button
          className="button"
          isDisabled={book.isPending || conflict}
          onPress={() =>
            book.mutate({
              key: newAttemptKey(),
              req: {
                kind: 'car',
                booking: {
                  carId: id,
                  pickupTime: toIso(current.pickup),
                  dropoffTime: toIso(current.dropoff),
                },
              },
            })
          }
        >
          {t.cars.book}
        </Button>
      ) : (
        <Link
          className="button"
          to={`/signin?next=${encodeURIComponent(`/cars/${id}?pickup=${encodeURIComponent(toIso(current.pickup))}&dropoff=${encodeURIComponent(toIso(current.dropoff))}`)}`}
        >
          {t.account.submitSignIn}
        </Link>
      )}
      <MapView
        points={[{ id: c.id, lat: c.lat, lng: c.lng, label: t.cars.carTitle(c.make, c.model) }]}
        label={t.search.map}
      />
    </section>
  );
}
