import { type CalendarDate, today } from '@internationalized/date';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Place } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { DateField, PlaceSearch } from '../../components/LazyFields';
import { formatDate } from '../../format';
import { t } from '../../i18n';
import { newAttemptKey } from '../../idempotency';

export function TripList() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const trips = useQuery({ queryKey: ['trips'], queryFn: () => unwrap(api.GET('/trips')) });
  const start = today(Intl.DateTimeFormat().resolvedOptions().timeZone).add({ days: 7 });
  const [name, setName] = useState('');
  const [place, setPlace] = useState<Place | undefined>();
  const [startDate, setStart] = useState<CalendarDate>(start);
  const [endDate, setEnd] = useState<CalendarDate>(start.add({ days: 3 }));
  const create = useMutation({
    mutationFn: (v: { key: string }) =>
      unwrap(
        api.POST('/trips', {
          body: {
            name,
            destination: place!.city,
            timeZone: place!.timeZone,
            startDate: startDate.toString(),
            endDate: endDate.toString(),
            travellers: 1,
          },
          headers: { 'idempotency-key': v.key },
        }),
      ),
    onSuccess: (trip) => {
      void qc.invalidateQueries({ queryKey: ['trips'] });
      navigate(`/trips/${trip.id}`);
    },
  });
  return (
    <section>
      <h1>{t.trips.title}</h1>
      <ErrorBanner error={trips.error} onRetry={() => void trips.refetch()} />
      {trips.data && trips.data.trips.length === 0 && <p>{t.trips.none}</p>}
      <ul className="cards">
        {trips.data?.trips.map((trip) => (
          <li key={trip.id} className="card">
            <h3>
              <Link to={`/trips/${trip.id}`}>{trip.name}</Link>
            </h3>
            <p>
              {trip.destination} · {formatDate(trip.startDate)} – {formatDate(trip.endDate)} ·{' '}
              {t.trips.statuses[trip.status]} · {t.trips.roles[trip.role] ?? trip.role}
            </p>
          </li>
        ))}
      </ul>
      <h2>{t.trips.create}</h2>
      <ErrorBanner error={create.error} onRetry={() => create.variables && create.mutate(create.variables)} />
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          if (place) create.mutate({ key: newAttemptKey() });
        }}
      >
        <TextInput label={t.trips.name} name="name" isRequired value={name} onChange={setName} />
        <PlaceSearch label={t.stays.city} kind="city" value={place} onChange={setPlace} />
        <div className="row wrap">
          <DateField
            label={t.trips.startDate}
            value={startDate}
            onChange={(d) => {
              setStart(d);
              if (endDate.compare(d) < 0) setEnd(d);
            }}
          />
          <DateField label={t.trips.endDate} value={endDate} onChange={setEnd} />
        </div>
        <Button type="submit" className="button" isDisabled={!place || !name || create.isPending}>
          {t.trips.create}
        </Button>
      </Form>
    </section>
  );
}
