import { type CalendarDate, today } from '@internationalized/date';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Place } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput } from '../../components/Fields';
import { DateField, PlaceSearch } from '../../components/LazyFields';
import { LocalTime } from '../../components/LocalTime';
import { Money } from '../../components/Money';
import { t } from '../../i18n';

const CABINS = ['economy', 'premium_economy', 'business', 'first'] as const;
type Query = { from: string; to: string; date: string; passengers: number; cabin: (typeof CABINS)[number] };

export function FlightSearch() {
  const [params, setParams] = useSearchParams();
  const [from, setFrom] = useState<Place | undefined>();
  const [to, setTo] = useState<Place | undefined>();
  const [date, setDate] = useState<CalendarDate>(
    today(Intl.DateTimeFormat().resolvedOptions().timeZone).add({ days: 10 }),
  );
  const [passengers, setPassengers] = useState('1');
  const [cabin, setCabin] = useState<Query['cabin']>('economy');
  const query: Query | undefined = params.get('from')
    ? {
        from: params.get('from')!,
        to: params.get('to') ?? '',
        date: params.get('date') ?? '',
        passengers: Number(params.get('passengers') ?? '1'),
        cabin: (params.get('cabin') as Query['cabin']) ?? 'economy',
      }
    : undefined;
  const results = useQuery({
    queryKey: ['flight-search', query],
    enabled: !!query,
    queryFn: () => unwrap(api.GET('/flights/search', { params: { query: query! } })),
  });
  const offers = results.data?.offers ?? [];
  return (
    <section>
      <h1>{t.flights.title}</h1>
      <Form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!from || !to) return;
          setParams({ from: from.id, to: to.id, date: date.toString(), passengers, cabin });
        }}
      >
        <div className="row wrap">
          <PlaceSearch label={t.flights.from} kind="airport" value={from} onChange={setFrom} />
          <PlaceSearch label={t.flights.to} kind="airport" value={to} onChange={setTo} />
        </div>
        <div className="row wrap">
          <DateField label={t.flights.date} value={date} onChange={setDate} />
          <SelectInput
            label={t.flights.passengers}
            value={passengers}
            onChange={setPassengers}
            options={[1, 2, 3, 4, 5, 6].map((n) => ({ value: String(n), label: String(n) }))}
          />
          <SelectInput
            label={t.flights.cabin}
            value={cabin}
            onChange={(v) => setCabin(v as Query['cabin'])}
            options={CABINS.map((c) => ({ value: c, label: t.flights.cabins[c] ?? c }))}
          />
        </div>
        <Button type="submit" className="button" isDisabled={!from || !to}>
          {t.search.search}
        </Button>
      </Form>
      <ErrorBanner error={results.error} onRetry={() => void results.refetch()} />
      {results.isFetching && <p role="status">{t.app.loading}</p>}
      {results.data && query && (
        <>
          <h2>{t.flights.results(offers.length)}</h2>
          {offers.length === 0 && <p>{t.search.noResults}</p>}
          <ul className="cards">
            {offers.map((o) => {
              const first = o.segments[0]!;
              const last = o.segments.at(-1)!;
              return (
                <li key={o.id} className="card">
                  <h3>
                    {first.origin} → {last.destination} · {t.flights.stops(o.segments.length - 1)}
                  </h3>
                  <p>
                    {first.originName}:{' '}
                    <LocalTime at={first.departureAt} timeZone={first.departureTimeZone} />
                  </p>
                  <p>
                    {last.destinationName}: <LocalTime at={last.arrivalAt} timeZone={last.arrivalTimeZone} />
                  </p>
                  <p>
                    {first.carrier} {first.flightNumber} · {t.flights.cabins[o.cabin]} ·{' '}
                    <strong>
                      <Money amount={o.totalAmount} currency={o.currency} />
                    </strong>
                  </p>
                  <Link
                    className="button"
                    to={`/flights/offers/${encodeURIComponent(o.id)}?${params.toString()}`}
                  >
                    {t.flights.choose}
                    <span className="visually-hidden">
                      {' '}
                      {first.carrier} {first.flightNumber}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
