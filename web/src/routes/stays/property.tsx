import { parseDateTime, toZoned } from '@internationalized/date';
import { useQuery } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { ErrorBanner } from '../../components/ErrorBanner';
import { MapView } from '../../components/Map';
import { Money } from '../../components/Money';
import { formatDate } from '../../format';
import { t } from '../../i18n';
import { newAttemptKey } from '../../idempotency';
import { useSession } from '../../session-context';
import { PolicyNote, useHold } from '../checkout/use-hold';

export function PropertyPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const signedIn = useSession();
  const checkIn = params.get('checkIn') ?? '';
  const checkOut = params.get('checkOut') ?? '';
  const guests = Number(params.get('guests') ?? '1');
  const property = useQuery({
    queryKey: ['property', id],
    queryFn: () => unwrap(api.GET('/stays/properties/{id}', { params: { path: { id } } })),
  });
  const offer = useQuery({
    queryKey: ['stay-offer', id, checkIn, checkOut, guests],
    enabled: !!property.data && !!checkIn && !!checkOut,
    queryFn: async () => {
      const r = await unwrap(
        api.GET('/stays/search', {
          params: {
            query: {
              lat: property.data!.lat,
              lng: property.data!.lng,
              radiusKm: 1,
              checkIn,
              checkOut,
              guests,
              limit: 100,
            },
          },
        }),
      );
      return { nights: r.nights, property: r.properties.find((p) => p.id === id) };
    },
  });
  const book = useHold({ onError: () => void offer.refetch() });
  if (property.error) return <ErrorBanner error={property.error} onRetry={() => void property.refetch()} />;
  if (!property.data) return <p role="status">{t.app.loading}</p>;
  const p = property.data;
  const free = offer.data?.property?.roomTypes ?? [];
  const soldOut = book.error instanceof ApiError && book.error.code === 'sold_out';
  // Check-in as an instant at the property, so that the policy can name its last free moment.
  const checkInAt = checkIn
    ? {
        at: toZoned(parseDateTime(`${checkIn}T${p.checkInTime}`), p.timeZone).toAbsoluteString(),
        timeZone: p.timeZone,
      }
    : undefined;
  const next = encodeURIComponent(`/stays/${id}?${params.toString()}`);
  return (
    <section>
      <h1>{p.name}</h1>
      <p>
        {t.stays.starsLabel(p.stars)} · {p.address}, {p.city}
      </p>
      <p>{t.stays.checkTimes(p.checkInTime, p.checkOutTime)}</p>
      {checkIn && (
        <p>
          {formatDate(checkIn)} – {formatDate(checkOut)} · {t.stays.guests}: {guests}
        </p>
      )}
      {soldOut ? (
        <p role="alert" className="banner error">
          {t.stays.soldOut}
        </p>
      ) : (
        <ErrorBanner
          error={book.error ?? offer.error}
          onRetry={() => (book.variables ? book.mutate(book.variables) : void offer.refetch())}
        />
      )}
      <h2>{t.stays.rooms}</h2>
      {offer.isSuccess && free.length === 0 && <p>{t.stays.noRooms}</p>}
      <ul className="cards">
        {p.roomTypes.map((rt) => {
          const f = free.find((x) => x.id === rt.id);
          return (
            <li key={rt.id} className="card">
              <h3>{rt.name}</h3>
              <p>
                {t.stays.upTo(rt.maxGuests)}
                {f && (
                  <>
                    {' · '}
                    <strong>
                      <Money amount={f.total} currency={p.currency} />
                    </strong>{' '}
                    {t.stays.forNights(offer.data!.nights)} · {t.stays.roomsLeft(f.roomsLeft)}
                  </>
                )}
              </p>
              <PolicyNote
                policy={rt.cancellationPolicy}
                kind="stay"
                {...(checkInAt ? { start: checkInAt } : {})}
              />
              {f &&
                (signedIn ? (
                  <Button
                    className="button"
                    isDisabled={book.isPending}
                    onPress={() =>
                      book.mutate({
                        key: newAttemptKey(),
                        req: { kind: 'stay', booking: { roomTypeId: rt.id, checkIn, checkOut, guests } },
                      })
                    }
                  >
                    {t.stays.book(rt.name)}
                  </Button>
                ) : (
                  <Link className="button" to={`/signin?next=${next}`}>
                    {t.account.submitSignIn}
                  </Link>
                ))}
            </li>
          );
        })}
      </ul>
      <MapView points={[{ id: p.id, lat: p.lat, lng: p.lng, label: p.name }]} label={t.search.map} />
    </section>
  );
}
