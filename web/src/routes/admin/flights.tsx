import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput } from '../../components/Fields';
import { LocalTime } from '../../components/LocalTime';
import { formatMoney, zoneName } from '../../format';
import { t } from '../../i18n';

type Route =
  paths['/flights/routes']['get']['responses'][200]['content']['application/json']['routes'][number];

const fl = t.adminFlights;
const DAY_CHOICES = ['7', '14', '31'];

function Departures({ route }: { route: Route }) {
  const [days, setDays] = useState('7');
  const departures = useQuery({
    queryKey: ['admin', 'flights', 'departures', route.id, days],
    queryFn: () =>
      unwrap(
        api.GET('/flights/routes/{id}/departures', {
          params: { path: { id: route.id }, query: { days: Number(days) } },
        }),
      ),
  });
  const headingId = `departures-${route.id}`;
  const heading = useRef<HTMLHeadingElement>(null);
  // The card opens below the routes: bring it, and the reader's focus, to it.
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, []);
  const list = departures.data?.departures ?? [];
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {fl.departures(`${route.flightNumber} ${route.origin}–${route.destination}`)}
      </h2>
      <div className="row wrap">
        <SelectInput
          label={fl.days}
          value={days}
          onChange={setDays}
          options={DAY_CHOICES.map((d) => ({ value: d, label: d }))}
        />
      </div>
      <ErrorBanner error={departures.error} onRetry={() => void departures.refetch()} />
      {departures.isSuccess && list.length === 0 && <p>{fl.noDepartures}</p>}
      {list.length > 0 && (
        <div className="table-scroll stack">
          <table>
            <caption className="visually-hidden">{fl.departures(route.flightNumber)}</caption>
            <thead>
              <tr>
                <th scope="col">{fl.departure}</th>
                {route.cabins.map((c) => (
                  <th key={c.cabin} scope="col">
                    {fl.cabinNames[c.cabin]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    <LocalTime at={d.departureAt} timeZone={route.originTimeZone} />
                  </th>
                  {route.cabins.map((plan) => {
                    const c = d.cabins.find((x) => x.cabin === plan.cabin);
                    return (
                      <td key={plan.cabin}>
                        {c ? (
                          <>
                            {`${fl.sold} ${c.sold} · ${fl.left} ${c.left}`}
                            <span className="hint">{`${fl.seats} ${c.seats} · ${formatMoney(c.fare, route.currency)}`}</span>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function FlightsPage() {
  const [chosen, setChosen] = useState<string>();
  const [from, setFrom] = useState<string>();
  const routes = useQuery({
    queryKey: ['admin', 'flights', 'routes'],
    queryFn: () => unwrap(api.GET('/flights/routes')),
  });
  const all = routes.data?.routes ?? [];
  // One origin at a time: the schedule has many routes, an operator looks at one airport's.
  const origins = [...new Map(all.map((r) => [r.origin, `${r.originCity} (${r.origin})`])).entries()];
  const origin = from ?? origins[0]?.[0];
  const list = all.filter((r) => r.origin === origin);
  const route = list.find((r) => r.id === chosen);
  return (
    <section>
      <h1>{fl.title}</h1>
      <ErrorBanner error={routes.error} onRetry={() => void routes.refetch()} />
      {routes.isSuccess && all.length === 0 && <p>{fl.noRoutes}</p>}
      {origin && (
        <div className="row wrap">
          <SelectInput
            label={fl.from}
            value={origin}
            onChange={(v) => {
              setFrom(v);
              setChosen(undefined);
            }}
            options={origins.map(([value, label]) => ({ value, label }))}
          />
        </div>
      )}
      {list.length > 0 && (
        <div className="table-scroll stack">
          <table>
            <caption className="visually-hidden">{fl.routes}</caption>
            <thead>
              <tr>
                <th scope="col">{fl.flight}</th>
                <th scope="col">{fl.route}</th>
                <th scope="col">{fl.departs}</th>
                <th scope="col">{fl.cabins}</th>
                <th scope="col">
                  <span className="visually-hidden">{fl.show}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.id}>
                  <td>
                    <strong>{r.flightNumber}</strong>
                    <span className="hint">{r.aircraft}</span>
                  </td>
                  <td>
                    {`${r.originCity} (${r.origin}) → ${r.destinationCity} (${r.destination})`}
                    <span className="hint">{fl.scheduled(r.scheduledFlights)}</span>
                  </td>
                  <td>
                    {r.departureTime}
                    <span className="hint">{zoneName(r.originTimeZone)}</span>
                  </td>
                  <td>
                    {r.cabins.map((c) => (
                      <span key={c.cabin} className="console-line">
                        {`${fl.cabinNames[c.cabin]}: ${c.seats} · ${formatMoney(c.fare, r.currency)}`}
                      </span>
                    ))}
                  </td>
                  <td>
                    <Button
                      className="button secondary"
                      aria-label={fl.showLabel(r.flightNumber)}
                      aria-pressed={r.id === chosen}
                      onPress={() => setChosen(r.id)}
                    >
                      {fl.show}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {route && <Departures key={route.id} route={route} />}
    </section>
  );
}
