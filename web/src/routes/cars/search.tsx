import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { CarSearchQuery, Place } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput, TextInput } from '../../components/Fields';
import { DateField, PlaceSearch } from '../../components/LazyFields';
import { MapView } from '../../components/Map';
import { Money } from '../../components/Money';
import { zoneName } from '../../format';
import { t } from '../../i18n';
import { defaultWindow, toIso } from './window';

const CLASSES = ['economy', 'compact', 'midsize', 'fullsize', 'suv', 'premium', 'luxury', 'van'] as const;
type Where = Pick<Place, 'lat' | 'lng' | 'timeZone'> & { label: string };

export function CarSearch() {
  const [place, setPlace] = useState<Place | undefined>();
  const [here, setHere] = useState<Where | undefined>();
  const [geoFailed, setGeoFailed] = useState(false);
  const where: Where | undefined = place ?? here;
  const zone = where?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [window, setWindow] = useState(() => defaultWindow(zone));
  const [filters, setFilters] = useState({ class: '', maxDaily: '', seats: '', transmission: '' });
  const [submitted, setSubmitted] = useState<CarSearchQuery | undefined>();

  const choosePlace = (p: Place | undefined) => {
    setPlace(p);
    if (p) setWindow(defaultWindow(p.timeZone));
  };

  const results = useInfiniteQuery({
    queryKey: ['car-search', submitted],
    enabled: !!submitted,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/search', {
          params: { query: { ...submitted!, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const cars = useMemo(() => results.data?.pages.flatMap((p) => p.cars) ?? [], [results.data]);
  const points = useMemo(
    () => cars.map((c) => ({ id: c.id, lat: c.lat, lng: c.lng, label: `${c.make} ${c.model}` })),
    [cars],
  );

  const search = () => {
    if (!where) return;
    const q: CarSearchQuery = {
      lat: where.lat,
      lng: where.lng,
      radiusKm: 25,
      pickup: toIso(window.pickup),
      dropoff: toIso(window.dropoff),
      limit: 10,
    };
    if (filters.class) q.class = filters.class as CarSearchQuery['class'];
    if (filters.maxDaily) q.maxDailyRate = Math.round(Number(filters.maxDaily) * 100);
    if (filters.seats) q.seats = Number(filters.seats);
    if (filters.transmission) q.transmission = filters.transmission as CarSearchQuery['transmission'];
    setSubmitted(q);
  };

  const detailLink = (id: string) =>
    `/cars/${id}?pickup=${encodeURIComponent(toIso(window.pickup))}&dropoff=${encodeURIComponent(toIso(window.dropoff))}`;

  return (
    <section>
      <h1>{t.cars.title}</h1>
      <Form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          search();
        }}
      >
        <div className="row wrap">
          <PlaceSearch
            label={t.search.place}
            description={t.search.placeHint}
            value={place}
            onChange={choosePlace}
          />
          <Button
            className="button secondary"
            onPress={() =>
              navigator.geolocation?.getCurrentPosition(
                (pos) => {
                  setPlace(undefined);
                  setHere({
                    lat: pos.coords.latitude,
                    lng: pos.coords.longitude,
                    timeZone: zone,
                    label: t.search.nearMe,
                  });
                  setGeoFailed(false);
                },
                () => setGeoFailed(true),
              ) ?? setGeoFailed(true)
            }
          >
            {t.search.nearMe}
          </Button>
        </div>
        {geoFailed && <p className="hint">{t.search.nearMeFailed}</p>}
        <div className="row wrap">
          <DateField
            label={t.cars.pickup}
            value={window.pickup}
            onChange={(pickup) =>
              setWindow((w) => ({
                pickup,
                dropoff: w.dropoff.compare(pickup) > 0 ? w.dropoff : pickup.add({ days: 1 }),
              }))
            }
          />
          <DateField
            label={t.cars.dropoff}
            value={window.dropoff}
            onChange={(dropoff) => setWindow((w) => ({ ...w, dropoff }))}
          />
        </div>
        <p className="hint">{t.search.timesIn(zoneName(zone))}</p>
        <fieldset className="filters">
          <legend>{t.search.filters}</legend>
          <SelectInput
            label={t.cars.class}
            value={filters.class}
            onChange={(v) => setFilters((f) => ({ ...f, class: v }))}
            options={[
              { value: '', label: t.search.any },
              ...CLASSES.map((c) => ({ value: c, label: t.cars.classes[c] ?? c })),
            ]}
          />
          <TextInput
            label={t.cars.maxPrice}
            name="maxDaily"
            type="number"
            value={filters.maxDaily}
            onChange={(v) => setFilters((f) => ({ ...f, maxDaily: v }))}
          />
          <SelectInput
            label={t.cars.seats}
            value={filters.seats}
            onChange={(v) => setFilters((f) => ({ ...f, seats: v }))}
            options={[
              { value: '', label: t.search.any },
              ...[2, 4, 5, 7, 9].map((n) => ({ value: String(n), label: String(n) })),
            ]}
          />
          <SelectInput
            label={t.cars.transmission}
            value={filters.transmission}
            onChange={(v) => setFilters((f) => ({ ...f, transmission: v }))}
            options={[
              { value: '', label: t.search.any },
              { value: 'automatic', label: t.cars.automatic },
              { value: 'manual', label: t.cars.manual },
            ]}
          />
        </fieldset>
        <Button type="submit" className="button" isDisabled={!where}>
          {t.search.search}
        </Button>
      </Form>

      <ErrorBanner error={results.error} onRetry={() => void results.refetch()} />
      {results.isFetching && !results.isFetchingNextPage && <p role="status">{t.app.loading}</p>}
      {results.isSuccess && (
        <div className="results">
          <div className="list">
            <h2>{t.cars.results(cars.length)}</h2>
            {cars.length === 0 && <p>{t.search.noResults}</p>}
            <ul className="cards">
              {cars.map((c) => (
                <li key={c.id} className="card">
                  <h3>
                    <Link to={detailLink(c.id)}>{t.cars.carTitle(c.make, c.model)}</Link>
                  </h3>
                  <p>
                    {t.cars.classes[c.class]} · {t.cars.seatsCount(c.seats)} ·{' '}
                    {c.transmission === 'manual' ? t.cars.manual : t.cars.automatic} ·{' '}
                    {t.cars.away(c.distanceKm)}
                  </p>
                  <p>
                    <Money amount={c.dailyRate} currency={c.currency} /> {t.cars.perDay}
                    {c.price && (
                      <>
                        {' · '}
                        <strong>
                          <Money amount={c.price.total} currency={c.price.currency} />
                        </strong>{' '}
                        {t.cars.total(c.price.days)}
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ul>
            {results.hasNextPage && (
              <Button
                className="button secondary"
                onPress={() => void results.fetchNextPage()}
                isDisabled={results.isFetchingNextPage}
              >
                {t.search.moreResults}
              </Button>
            )}
          </div>
          <MapView points={points} label={t.search.map} />
        </div>
      )}
    </section>
  );
}
