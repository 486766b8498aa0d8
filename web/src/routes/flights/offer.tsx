import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput, TextInput } from '../../components/Fields';
import { LocalTime } from '../../components/LocalTime';
import { Money } from '../../components/Money';
import { t } from '../../i18n';
import { newAttemptKey } from '../../idempotency';
import { useSession } from '../../session-context';
import { PolicyNote, useHold } from '../checkout/use-hold';

type Title = 'mr' | 'ms' | 'mrs' | 'miss' | 'dr';

export function OfferPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const signedIn = useSession();
  const offer = useQuery({
    queryKey: ['offer', id],
    queryFn: () => unwrap(api.GET('/flights/offers/{id}', { params: { path: { id } } })),
  });
  const [nowMs, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, []);
  const book = useHold();
  const searchAgain = `/flights?${params.toString()}`;
  const expiredCode =
    offer.error instanceof ApiError && ['offer_expired', 'offer_not_found'].includes(offer.error.code);
  if (offer.error && !expiredCode)
    return <ErrorBanner error={offer.error} onRetry={() => void offer.refetch()} />;
  if (
    expiredCode ||
    (offer.data && Date.parse(offer.data.expiresAt) <= nowMs) ||
    (book.error instanceof ApiError && ['offer_expired', 'price_changed'].includes(book.error.code))
  ) {
    return (
      <section>
        <h1>{t.flights.title}</h1>
        <p role="alert" className="banner error">
          {book.error instanceof ApiError && book.error.code === 'price_changed'
            ? t.errors.price_changed
            : t.flights.expired}
        </p>
        <Link className="button" to={searchAgain}>
          {t.flights.searchAgain}
        </Link>
      </section>
    );
  }
  if (!offer.data) return <p role="status">{t.app.loading}</p>;
  const o = offer.data;
  const first = o.segments[0]!;
  const last = o.segments.at(-1)!;
  return (
    <section>
      <h1>
        {first.originName} → {last.destinationName}
      </h1>
      <ol className="segments">
        {o.segments.map((s) => (
          <li key={`${s.flightNumber}-${s.departureAt}`}>
            {s.carrier} {s.flightNumber} · {t.flights.duration(s.durationMinutes)}: {s.origin}{' '}
            <LocalTime at={s.departureAt} timeZone={s.departureTimeZone} /> → {s.destination}{' '}
            <LocalTime at={s.arrivalAt} timeZone={s.arrivalTimeZone} />
          </li>
        ))}
      </ol>
      <p className="total">
        {t.bookings.total}: <Money amount={o.totalAmount} currency={o.currency} /> ·{' '}
        {t.flights.cabins[o.cabin]}
      </p>
      <PolicyNote
        policy={o.cancellationPolicy}
        kind="flight"
        start={{ at: first.departureAt, timeZone: first.departureTimeZone }}
      />
      <p role="timer" aria-live="off">
        {t.flights.expires(
          new Intl.DateTimeFormat(navigator.language, {
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            timeZoneName: 'short',
          }).format(new Date(o.expiresAt)),
        )}
      </p>
      <ErrorBanner error={book.error} onRetry={() => book.variables && book.mutate(book.variables)} />
      {signedIn ? (
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            book.mutate({
              key: newAttemptKey(),
              req: {
                kind: 'flight',
                booking: { offerId: id, passengers: passengers(new FormData(e.currentTarget), o.passengers) },
              },
            });
          }}
        >
          {Array.from({ length: o.passengers }, (_, i) => `passenger-${i}`).map((key, i) => (
            <fieldset key={key} className="filters">
              <legend>{t.flights.passenger(i + 1)}</legend>
              <PassengerTitle index={i} />
              <TextInput
                label={t.flights.givenName}
                name={`given-${i}`}
                isRequired
                autoComplete="given-name"
              />
              <TextInput
                label={t.flights.familyName}
                name={`family-${i}`}
                isRequired
                autoComplete="family-name"
              />
              <TextInput
                label={t.flights.bornOn}
                name={`born-${i}`}
                type="date"
                isRequired
                autoComplete="bday"
              />
              <PassengerGender index={i} />
            </fieldset>
          ))}
          <Button type="submit" className="button" isDisabled={book.isPending}>
            {t.flights.book}
          </Button>
        </Form>
      ) : (
        <Link
          className="button"
          to={`/signin?next=${encodeURIComponent(`/flights/offers/${encodeURIComponent(id)}?${params.toString()}`)}`}
        >
          {t.account.submitSignIn}
        </Link>
      )}
    </section>
  );
}

/** The passengers as the booking body takes them, from the form's fields. */
function passengers(form: FormData, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    givenName: String(form.get(`given-${i}`)),
    familyName: String(form.get(`family-${i}`)),
    bornOn: String(form.get(`born-${i}`)),
    title: String(form.get(`title-${i}`)) as Title,
    gender: String(form.get(`gender-${i}`)) as 'm' | 'f',
  }));
}

function PassengerTitle({ index }: { index: number }) {
  const [v, setV] = useState('ms');
  return (
    <>
      <SelectInput
        label={`${t.flights.titleLabel} (${t.flights.passenger(index + 1)})`}
        value={v}
        onChange={setV}
        options={Object.entries(t.flights.titles).map(([value, label]) => ({ value, label }))}
      />
      <input type="hidden" name={`title-${index}`} value={v} />
    </>
  );
}

function PassengerGender({ index }: { index: number }) {
  const [v, setV] = useState('f');
  return (
    <>
      <SelectInput
        label={`${t.flights.gender} (${t.flights.passenger(index + 1)})`}
        value={v}
        onChange={setV}
        options={Object.entries(t.flights.genders).map(([value, label]) => ({ value, label }))}
      />
      <input type="hidden" name={`gender-${index}`} value={v} />
    </>
  );
}
