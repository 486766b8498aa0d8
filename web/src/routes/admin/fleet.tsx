import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput, TextInput } from '../../components/Fields';
import { toMinor } from '../../format';
import { t } from '../../i18n';
import { Confirm } from './confirm';
import { type Car, CarRow, carName } from './fleet-car';
import { AddLocation } from './fleet-location';

type Location =
  paths['/locations']['get']['responses'][200]['content']['application/json']['locations'][number];
type CarCreate = paths['/cars']['post']['requestBody']['content']['application/json'];

const f = t.adminFleet;
const PAGE = 25;
const CLASSES = Object.keys(f.classes) as Car['class'][];

function AddCar({ location, onDone }: { location: Location; onDone: (msg: string) => void }) {
  const queryClient = useQueryClient();
  const [make, setMake] = useState('');
  const [model, setModel] = useState('');
  const [cls, setCls] = useState<Car['class']>('compact');
  const [seats, setSeats] = useState('5');
  const [transmission, setTransmission] = useState<Car['transmission']>('automatic');
  const [currency, setCurrency] = useState('EUR');
  const [rate, setRate] = useState('');
  const name = `${make.trim()} ${model.trim()}`;
  const body = (): CarCreate => ({
    locationId: location.id,
    make: make.trim(),
    model: model.trim(),
    class: cls,
    seats: Math.round(Number(seats)),
    transmission,
    dailyRate: toMinor(Number(rate), currency),
    currency: currency.trim().toUpperCase(),
  });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/cars', { body: body() })),
    onSuccess: (c) => {
      onDone(f.added(carName(c)));
      setMake('');
      setModel('');
      setRate('');
      void queryClient.invalidateQueries({ queryKey: ['admin', 'fleet'] });
    },
  });
  const ready =
    make.trim() &&
    model.trim() &&
    Number(rate) > 0 &&
    Number(seats) >= 1 &&
    /^[A-Za-z]{3}$/.test(currency.trim());
  return (
    <section className="card console-gap" aria-labelledby="add-car">
      <h2 id="add-car">{f.addTitle}</h2>
      <ErrorBanner error={add.error} />
      <div className="row wrap">
        <TextInput label={f.make} name="make" value={make} onChange={setMake} isRequired />
        <TextInput label={f.model} name="model" value={model} onChange={setModel} isRequired />
        <SelectInput
          label={f.class}
          value={cls}
          onChange={(v) => setCls(v as Car['class'])}
          options={CLASSES.map((c) => ({ value: c, label: f.classes[c]! }))}
        />
        <TextInput label={f.seatsLabel} name="seats" type="number" value={seats} onChange={setSeats} />
        <SelectInput
          label={f.transmission}
          value={transmission}
          onChange={(v) => setTransmission(v as Car['transmission'])}
          options={(['automatic', 'manual'] as const).map((v) => ({ value: v, label: f.transmissions[v]! }))}
        />
        <TextInput label={f.currency} name="currency" value={currency} onChange={setCurrency} />
        <TextInput
          label={f.rate(currency.toUpperCase())}
          name="dailyRate"
          type="number"
          value={rate}
          onChange={setRate}
        />
      </div>
      <Confirm
        trigger={f.add}
        title={f.addConfirm(name, location.name)}
        body={f.addBody}
        isDisabled={!ready || add.isPending}
        onConfirm={() => add.mutate()}
      />
    </section>
  );
}

export function FleetPage() {
  const [message, setMessage] = useState<string>();
  const [chosen, setChosen] = useState<string>();
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE);
  const locations = useQuery({
    queryKey: ['admin', 'fleet', 'locations'],
    queryFn: () => unwrap(api.GET('/locations')),
  });
  const location = locations.data?.locations.find((l) => l.id === chosen) ?? locations.data?.locations[0];
  const cars = useQuery({
    queryKey: ['admin', 'fleet', 'cars', location?.id],
    queryFn: () => unwrap(api.GET('/cars', { params: { query: { locationId: location!.id, limit: 500 } } })),
    enabled: !!location,
  });
  const needle = filter.trim().toLowerCase();
  const matching = (cars.data?.cars ?? []).filter(
    (c) => !needle || carName(c).toLowerCase().includes(needle),
  );
  return (
    <section>
      <h1>{f.title}</h1>
      <p role="status" className={message ? 'banner success' : undefined}>
        {message}
      </p>
      <ErrorBanner error={locations.error ?? cars.error} onRetry={() => void locations.refetch()} />
      {locations.data && location && (
        <div className="row wrap">
          <SelectInput
            label={f.location}
            value={location.id}
            onChange={(v) => {
              setChosen(v);
              setShown(PAGE);
            }}
            options={locations.data.locations.map((l) => ({ value: l.id, label: `${l.city} · ${l.name}` }))}
          />
          <TextInput
            label={f.filter}
            name="filter"
            value={filter}
            onChange={setFilter}
            description={f.filterHint}
          />
        </div>
      )}
      {cars.isSuccess && matching.length === 0 && <p>{f.noCars}</p>}
      {matching.length > 0 && location && (
        <>
          <p>{f.shown(Math.min(shown, matching.length), matching.length)}</p>
          <div className="table-scroll stack">
            <table>
              <caption className="visually-hidden">{`${f.title}: ${location.name}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{f.car}</th>
                  <th scope="col">{f.dailyRate}</th>
                  <th scope="col">{f.status}</th>
                  <th scope="col">{f.actions}</th>
                </tr>
              </thead>
              <tbody>
                {matching.slice(0, shown).map((c) => (
                  <CarRow
                    key={`${c.id}-${c.status}-${c.dailyRate}`}
                    car={c}
                    timeZone={location.timeZone}
                    onDone={setMessage}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {matching.length > shown && (
            <Button className="button secondary" onPress={() => setShown(shown + PAGE)}>
              {f.showMore}
            </Button>
          )}
        </>
      )}
      {location && <AddCar location={location} onDone={setMessage} />}
      <AddLocation
        onDone={(msg, id) => {
          setMessage(msg);
          setChosen(id);
          setShown(PAGE);
        }}
      />
    </section>
  );
}
