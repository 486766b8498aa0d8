import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useParams } from 'react-router';
import { api, download, unwrap } from '../../api/client';
import type { ItemCreate, TripItem } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput, TextInput } from '../../components/Fields';
import { LocalTime } from '../../components/LocalTime';
import { MapView } from '../../components/Map';
import { formatDate, zoneName } from '../../format';
import { t } from '../../i18n';
import { CollaboratorList, NoteForm, PlanForm } from './trip-forms';

const STATUSES = ['planning', 'booked', 'completed', 'cancelled'] as const;

/** The calendar date of an instant in a zone (YYYY-MM-DD). */
const dayOf = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(iso));

const shiftDay = (day: string, by: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + by * 86_400_000).toISOString().slice(0, 10);
const dayBefore = (day: string) => shiftDay(day, -1);
const dayAfter = (day: string) => shiftDay(day, 1);

export function TripPage() {
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const path = { params: { path: { id } } };
  const trip = useQuery({ queryKey: ['trip', id], queryFn: () => unwrap(api.GET('/trips/{id}', path)) });
  const items = useQuery({
    queryKey: ['trip-items', id],
    queryFn: () => unwrap(api.GET('/trips/{id}/items', path)),
  });
  const collaborators = useQuery({
    queryKey: ['trip-collaborators', id],
    queryFn: () => unwrap(api.GET('/trips/{id}/collaborators', path)),
  });
  const plan = useQuery({
    queryKey: ['trip-plan', id],
    queryFn: () => unwrap(api.GET('/trips/{id}/plan', path)).catch(() => null),
  });
  const invalidate = () => {
    for (const k of ['trip', 'trip-items', 'trip-collaborators', 'trip-plan'])
      void qc.invalidateQueries({ queryKey: [k, id] });
  };
  const canEdit = trip.data && trip.data.role !== 'viewer';

  const addItem = useMutation({
    mutationFn: (body: ItemCreate) => unwrap(api.POST('/trips/{id}/items', { ...path, body })),
    onSuccess: invalidate,
  });
  const invite = useMutation({
    mutationFn: (body: { email: string; role: 'viewer' | 'editor' }) =>
      unwrap(api.POST('/trips/{id}/collaborators', { ...path, body })),
    onSuccess: invalidate,
  });
  const status = useMutation({
    mutationFn: (s: (typeof STATUSES)[number]) =>
      unwrap(api.POST('/trips/{id}/status', { ...path, body: { status: s } })),
    onSuccess: invalidate,
  });
  const feed = useMutation({
    mutationFn: () => unwrap(api.POST('/trips/{id}/calendar-feed', path)),
    onSuccess: async (f) => {
      await navigator.clipboard?.writeText(f.url).catch(() => undefined);
    },
  });
  const files = useMutation({ mutationFn: (p: string) => download(p) });

  const myBookings = useQuery({
    queryKey: ['my-bookings-for-trip'],
    enabled: !!canEdit,
    queryFn: async () => {
      const [cars, stays, flights] = await Promise.all([
        unwrap(api.GET('/bookings', { params: { query: { limit: 100 } } })),
        unwrap(api.GET('/stay-bookings', { params: { query: { limit: 100 } } })),
        unwrap(api.GET('/flight-bookings', { params: { query: { limit: 100 } } })),
      ]);
      return [
        ...cars.bookings
          .filter((b) => b.status === 'confirmed')
          .map((b) => ({
            kind: 'car_booking' as const,
            id: b.id,
            on: b.pickupTime.slice(0, 10),
            label: `${t.bookings.car} · ${b.pickupTime.slice(0, 10)}`,
          })),
        ...stays.bookings
          .filter((b) => b.status === 'confirmed')
          .map((b) => ({
            kind: 'stay_booking' as const,
            id: b.id,
            on: b.checkIn,
            label: `${b.property.name} · ${b.checkIn}`,
          })),
        ...flights.bookings
          .filter((b) => b.status === 'confirmed')
          .map((b) => ({
            kind: 'flight_booking' as const,
            id: b.id,
            on: b.departureAt.slice(0, 10),
            label: `${b.origin} → ${b.destination} · ${b.departureAt.slice(0, 10)} · ${b.bookingReference}`,
          })),
      ];
    },
  });
  const pois = useQuery({
    queryKey: ['pois', trip.data?.destination],
    enabled: !!canEdit && !!trip.data,
    queryFn: () =>
      unwrap(api.GET('/pois', { params: { query: { city: trip.data!.destination, limit: 100 } } })),
  });

  const [bookingChoice, setBookingChoice] = useState('');
  const [poiChoice, setPoiChoice] = useState('');
  const [poiDay, setPoiDay] = useState('');
  const [inviteRole, setInviteRole] = useState<'viewer' | 'editor'>('viewer');

  const days = useMemo(() => {
    if (!trip.data) return [];
    const out: string[] = [];
    const d = new Date(`${trip.data.startDate}T00:00:00Z`);
    for (let i = 0; i < trip.data.days; i++)
      out.push(new Date(d.getTime() + i * 86_400_000).toISOString().slice(0, 10));
    return out;
  }, [trip.data]);
  const points = useMemo(
    () =>
      (items.data?.items ?? [])
        .filter((i) => i.location?.lat != null && i.location?.lng != null)
        .map((i) => ({ id: i.id, lat: i.location!.lat!, lng: i.location!.lng!, label: i.title })),
    [items.data],
  );

  if (trip.error) return <ErrorBanner error={trip.error} onRetry={() => void trip.refetch()} />;
  if (!trip.data) return <p role="status">{t.app.loading}</p>;
  const tr = trip.data;
  const byDay = (day: string) =>
    (items.data?.items ?? []).filter((i) => i.startsAt && dayOf(i.startsAt, i.timeZone) === day);
  // Notes without a time, and bookings outside the trip's days, listed after the days.
  const undated = (items.data?.items ?? []).filter(
    (i) => !i.startsAt || !days.includes(dayOf(i.startsAt, i.timeZone)),
  );
  const itemLine = (i: TripItem) => (
    <li key={i.id} className={`item ${i.kind}`}>
      <strong>{i.title}</strong>
      {i.startsAt && (
        <>
          {' · '}
          <LocalTime at={i.startsAt} timeZone={i.timeZone} />
        </>
      )}
      {i.reference && <> · {i.reference}</>}
      {i.status === 'cancelled' && <> · {t.bookings.status.cancelled}</>}
      {i.body && <p>{i.body}</p>}
    </li>
  );

  return (
    <section>
      <h1>{tr.name}</h1>
      <p>
        {tr.destination} · {formatDate(tr.startDate)} – {formatDate(tr.endDate)} · {t.trips.status}:{' '}
        {t.trips.statuses[tr.status]}
      </p>
      <p className="hint">{t.search.timesIn(zoneName(tr.timeZone))}</p>
      {!canEdit && <p className="banner info">{t.trips.readOnly}</p>}
      <ErrorBanner error={addItem.error ?? invite.error ?? status.error ?? feed.error ?? files.error} />

      <div className="row wrap">
        <Button className="button secondary" onPress={() => files.mutate(`/trips/${id}/calendar.ics`)}>
          {t.trips.calendar}
        </Button>
        <Button className="button secondary" onPress={() => files.mutate(`/trips/${id}/itinerary.pdf`)}>
          {t.trips.pdf}
        </Button>
        <Button className="button secondary" onPress={() => feed.mutate()}>
          {t.trips.feed}
        </Button>
      </div>
      {feed.data && (
        <p role="status">
          {t.trips.feedCopied} <code>{feed.data.url}</code>
        </p>
      )}

      <div className="results">
        <div className="list">
          <h2>{t.trips.timeline}</h2>
          <ol className="timeline">
            {days.map((day, n) => {
              const list = byDay(day);
              return (
                <li key={day}>
                  <h3>
                    {t.trips.day(n + 1)} · {formatDate(day)}
                  </h3>
                  {list.length === 0 ? (
                    <p className="hint">{t.trips.emptyDay}</p>
                  ) : (
                    <ul>{list.map(itemLine)}</ul>
                  )}
                </li>
              );
            })}
          </ol>
          {undated.length > 0 && (
            <>
              <h3>{t.trips.otherItems}</h3>
              <ul>{undated.map(itemLine)}</ul>
            </>
          )}
        </div>
        <MapView points={points} label={t.search.map} />
      </div>

      {canEdit && (
        <>
          <h2>{t.trips.addBooking}</h2>
          <Form
            className="row wrap"
            onSubmit={(e) => {
              e.preventDefault();
              const b = myBookings.data?.find((x) => x.id === bookingChoice);
              if (b) addItem.mutate({ kind: b.kind, bookingId: b.id });
            }}
          >
            <SelectInput
              label={t.trips.addBooking}
              value={bookingChoice}
              onChange={setBookingChoice}
              options={[
                { value: '', label: '—' },
                // Only bookings that start during the trip (a day either side): the trip refuses others.
                ...(myBookings.data ?? [])
                  .filter((b) => b.on >= dayBefore(tr.startDate) && b.on <= dayAfter(tr.endDate))
                  .map((b) => ({ value: b.id, label: b.label })),
              ]}
            />
            <Button type="submit" className="button" isDisabled={!bookingChoice}>
              {t.trips.add}
            </Button>
          </Form>
          <h2>{t.trips.addActivity}</h2>
          <Form
            className="row wrap"
            onSubmit={(e) => {
              e.preventDefault();
              const day = poiDay || days[0]!;
              const startsAt = new Date(`${day}T12:00:00Z`).toISOString();
              addItem.mutate({ kind: 'activity' as const, poiId: poiChoice, startsAt });
            }}
          >
            <SelectInput
              label={t.trips.addActivity}
              value={poiChoice}
              onChange={setPoiChoice}
              options={[
                { value: '', label: '—' },
                ...(pois.data?.pois ?? []).map((p) => ({ value: p.id, label: p.name })),
              ]}
            />
            <SelectInput
              label={t.trips.day(0).replace(' 0', '')}
              value={poiDay}
              onChange={setPoiDay}
              options={days.map((d, n) => ({ value: d, label: `${t.trips.day(n + 1)} · ${formatDate(d)}` }))}
            />
            <Button type="submit" className="button" isDisabled={!poiChoice}>
              {t.trips.add}
            </Button>
          </Form>
        </>
      )}

      {canEdit && <NoteForm tripId={id} days={days} onAdded={invalidate} />}

      <h2>{t.trips.collaborators}</h2>
      <ErrorBanner error={collaborators.error} onRetry={() => void collaborators.refetch()} />
      {collaborators.data && (
        <CollaboratorList
          tripId={id}
          collaborators={collaborators.data.collaborators}
          isOwner={tr.role === 'owner'}
          onChanged={invalidate}
        />
      )}
      {tr.role === 'owner' && (
        <Form
          className="row wrap"
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate({ email: String(new FormData(e.currentTarget).get('email')), role: inviteRole });
          }}
        >
          <TextInput label={t.trips.inviteEmail} name="email" type="email" isRequired />
          <SelectInput
            label={t.trips.role}
            value={inviteRole}
            onChange={(v) => setInviteRole(v as 'viewer' | 'editor')}
            options={[
              { value: 'viewer', label: t.trips.roles.viewer! },
              { value: 'editor', label: t.trips.roles.editor! },
            ]}
          />
          <Button type="submit" className="button">
            {t.trips.invite}
          </Button>
        </Form>
      )}

      {canEdit && (
        <>
          <PlanForm tripId={id} pois={pois.data?.pois ?? []} />
          <h2>{t.trips.status}</h2>
          <SelectInput
            label={t.trips.changeStatus}
            value={tr.status}
            onChange={(v) => status.mutate(v as (typeof STATUSES)[number])}
            options={STATUSES.map((s) => ({ value: s, label: t.trips.statuses[s]! }))}
          />
        </>
      )}
      {plan.data && (
        <section aria-labelledby="plan-result-h">
          <h2 id="plan-result-h">{t.trips.planTitle}</h2>
          <ol className="timeline">
            {plan.data.days.map((d) => (
              <li key={d.date}>
                <h3>{formatDate(d.date)}</h3>
                {d.stops.length === 0 && <p className="hint">{t.trips.emptyDay}</p>}
                <ul>
                  {d.stops.map((s) => (
                    <li key={s.poiId}>
                      {s.start}–{s.end} · {s.name}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
