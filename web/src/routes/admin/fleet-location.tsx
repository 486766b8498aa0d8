import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { t } from '../../i18n';
import { Confirm } from './confirm';

const f = t.adminFleet;

/** Whether the browser knows the IANA time zone (the server checks it again). */
function knownTimeZone(tz: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}

/** A new rental location: where cars are picked up, with its own time zone for their times. */
export function AddLocation({ onDone }: { onDone: (msg: string, id: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [city, setCity] = useState('');
  const [country, setCountry] = useState('');
  const [lat, setLat] = useState('');
  const [lng, setLng] = useState('');
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/locations', {
          body: {
            name: name.trim(),
            city: city.trim(),
            country: country.trim().toUpperCase(),
            lat: Number(lat),
            lng: Number(lng),
            timeZone: timeZone.trim(),
          },
        }),
      ),
    onSuccess: (l) => {
      onDone(f.locationAdded(l.name), l.id);
      for (const reset of [setName, setCity, setCountry, setLat, setLng]) reset('');
      void queryClient.invalidateQueries({ queryKey: ['admin', 'fleet', 'locations'] });
    },
  });
  const inRange = (v: string, max: number) => v.trim() !== '' && Math.abs(Number(v)) <= max;
  const ready =
    name.trim() &&
    city.trim() &&
    /^[A-Za-z]{2}$/.test(country.trim()) &&
    inRange(lat, 90) &&
    inRange(lng, 180) &&
    knownTimeZone(timeZone.trim());
  return (
    <section className="card console-gap" aria-labelledby="add-location">
      <h2 id="add-location">{f.addLocationTitle}</h2>
      <ErrorBanner error={add.error} />
      <div className="row wrap">
        <TextInput label={f.locationName} name="locationName" value={name} onChange={setName} isRequired />
        <TextInput label={f.city} name="city" value={city} onChange={setCity} isRequired />
        <TextInput
          label={f.country}
          name="country"
          value={country}
          onChange={setCountry}
          description={f.countryHint}
          isRequired
        />
        <TextInput label={f.lat} name="lat" type="number" value={lat} onChange={setLat} isRequired />
        <TextInput label={f.lng} name="lng" type="number" value={lng} onChange={setLng} isRequired />
        <TextInput
          label={f.timeZone}
          name="timeZone"
          value={timeZone}
          onChange={setTimeZone}
          description={f.timeZoneHint}
          isRequired
        />
      </div>
      <Confirm
        trigger={f.addLocation}
        title={f.addLocationConfirm(name.trim(), city.trim())}
        body={f.addLocationBody}
        isDisabled={!ready || add.isPending}
        onConfirm={() => add.mutate()}
      />
    </section>
  );
}
