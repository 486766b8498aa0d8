import { type CalendarDate, today } from '@internationalized/date';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Place } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput, TextInput } from '../../components/Fields';
import { DateField, PlaceSearch } from '../../components/LazyFields';
import { MapView } from '../../components/Map';
import { Money } from '../../components/Money';
import { t } from '../../i18n';

type Query = {
  city: string;
  checkIn: string;
  checkOut: string;
  guests: number;
  stars?: number;
  maxPrice?: number;
};

export function StaySearch() {
  const [place, setPlace] = useState<Place | undefined>();
  const start = today(Intl.DateTimeFormat().resolvedOptions().timeZone).add({ days: 14 });
  const [checkIn, setCheckIn] = useState<CalendarDate>(start);
  const [checkOut, setCheckOut] = useState<CalendarDate>(start.add({ days: 2 }));
  const [guests, setGuests] = useState('2');
  const [stars, setStars] = useState('');
  const [maxPrice, setMaxPrice] = useState('');
  const [query, setQuery] = useState<Query | undefined>();
  const results = useQuery({
    queryKey: ['stay-search', query],
    enabled: !!query,
    queryFn: () => unwrap(api.GET('/stays/search', { params: { query: query! } })),
  });
  const properties = results.data?.properties ?? [];
  const points = useMemo(
    () => properties.map((p) => ({ id: p.id, lat: p.lat, lng: p.lng, label: p.name })),
    [properties],
  );
  return (
    <section>
      <h1>{t.stays.title}</h1>
      <Form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!place) return;
          const q: Query = {
            city: place.city,
            checkIn: checkIn.toString(),
            checkOut: checkOut.toString(),
            guests: Number(guests),
          };
          if (stars) q.stars = Number(stars);
          if (maxPrice) q.maxPrice = Math.round(Number(maxPrice) * 100);
          setQuery(q);
        }}
      >
        <PlaceSearch label={t.stays.city} kind="city" value={place} onChange={setPlace} />
        <div className="row wrap">
          <DateField
            label={t.stays.checkIn}
            value={checkIn}
            onChange={(d) => {
              setCheckIn(d);
              if (checkOut.compare(d) <= 0) setCheckOut(d.add({ days: 1 }));
            }}
          />
          <DateField label={t.stays.checkOut} value={checkOut} onChange={setCheckOut} />
          <SelectInput
            label={t.stays.guests}
            value={guests}
            onChange={setGuests}
            options={[1, 2, 3, 4, 5, 6].map((n) => ({ value: String(n), label: String(n) }))}
          />
        </div>
        <fieldset className="filters">
          <legend>{t.search.filters}</legend>
          <SelectInput
            label={t.stays.stars}
            value={stars}
            onChange={setStars}
            options={[
              { value: '', label: t.search.any },
              ...[2, 3, 4, 5].map((n) => ({ value: String(n), label: t.stays.starsLabel(n) })),
            ]}
          />
          <TextInput
            label={t.stays.maxPrice}
            name="maxPrice"
            type="number"
            value={maxPrice}
            onChange={setMaxPrice}
          />
        </fieldset>
        <Button type="submit" className="button" isDisabled={!place}>
          {t.search.search}
        </Button>
      </Form>
      <ErrorBanner error={results.error} onRetry={() => void results.refetch()} />
      {results.isFetching && <p role="status">{t.app.loading}</p>}
      {results.data && query && (
        <div className="results">
          <div className="list">
            <h2>{t.stays.results(properties.length)}</h2>
            {properties.length === 0 && <p>{t.search.noResults}</p>}
            <ul className="cards">
              {properties.map((p) => (
                <li key={p.id} className="card">
                  <h3>
                    <Link
                      to={`/stays/${p.id}?checkIn=${query.checkIn}&checkOut=${query.checkOut}&guests=${query.guests}`}
                    >
                      {p.name}
                    </Link>
                  </h3>
                  <p>
                    {t.stays.starsLabel(p.stars)} · {p.address}
                  </p>
                  <p>
                    {t.stays.from} <Money amount={p.fromTotal} currency={p.currency} />{' '}
                    {t.stays.forNights(results.data.nights)}
                  </p>
                </li>
              ))}
            </ul>
          </div>
          <MapView points={points} label={t.search.map} />
        </div>
      )}
    </section>
  );
}
