import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { formatLocal, formatMoney, toMinor } from '../../format';
import { t } from '../../i18n';
import { Confirm } from './confirm';

export type Car = paths['/cars']['get']['responses'][200]['content']['application/json']['cars'][number];
type Affected =
  paths['/cars/{id}/upcoming-bookings']['get']['responses'][200]['content']['application/json']['bookings'][number];

const f = t.adminFleet;
export const carName = (c: Car) => `${c.make} ${c.model}`;
const affectedKey = (id: string) => ['admin', 'fleet', 'affected', id];

/** Fleet errors the console explains itself; others go to the shared sentence table. */
function FleetError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === 'car_bookings_changed')
    return (
      <p role="alert" className="banner error">
        {f.bookingsChanged}
      </p>
    );
  if (error instanceof ApiError && error.code === 'car_in_use')
    return (
      <p role="alert" className="banner error">
        {f.inUse}
      </p>
    );
  return <ErrorBanner error={error} />;
}

/** What retiring would do, read when the dialog opens: the bookings it cancels, or the one under way. */
function RetireBody({ car, timeZone }: { car: Car; timeZone: string }) {
  const affected = useQuery({
    queryKey: affectedKey(car.id),
    queryFn: () => unwrap(api.GET('/cars/{id}/upcoming-bookings', { params: { path: { id: car.id } } })),
    staleTime: 0,
  });
  if (affected.isPending) return <>{f.retireLoading}</>;
  if (affected.error) return <ErrorBanner error={affected.error} />;
  const list = affected.data.bookings;
  if (list.length === 0) return <>{f.retireFree}</>;
  const underWay = list.filter((b) => b.underWay);
  const shown = underWay.length ? underWay : list;
  const when = (iso: string) => formatLocal(iso, timeZone);
  return (
    <>
      {underWay.length ? f.retireInUse : f.retireAffects(list.length)}
      {shown.map((b) => (
        <span key={b.id} className="console-line">
          {f.booking(
            b.reference,
            when(b.pickupTime),
            when(b.dropoffTime),
            formatMoney(b.totalAmount, b.currency),
          )}
        </span>
      ))}
    </>
  );
}

/** One car's row: its price, maintenance and retirement, each asked for first and audited. */
export function CarRow({
  car,
  timeZone,
  onDone,
}: {
  car: Car;
  timeZone: string;
  onDone: (msg: string) => void;
}) {
  const queryClient = useQueryClient();
  const name = carName(car);
  const [rate, setRate] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['admin', 'fleet'] });
  const patch = useMutation({
    mutationFn: (body: { dailyRate?: number; status?: 'active' | 'maintenance' }) =>
      unwrap(api.PATCH('/cars/{id}', { params: { path: { id: car.id } }, body })),
    onSuccess: (c) => {
      setRate('');
      onDone(f.saved(carName(c)));
      refresh();
    },
  });
  const retire = useMutation({
    mutationFn: () => {
      const seen = queryClient.getQueryData<{ bookings: Affected[] }>(affectedKey(car.id));
      const cancelBookings = (seen?.bookings ?? []).map((b) => b.id);
      return unwrap(
        api.POST('/cars/{id}/retire', { params: { path: { id: car.id } }, body: { cancelBookings } }),
      );
    },
    onSuccess: (r) => {
      onDone(f.retired(carName(r.car), r.cancelled.length));
      refresh();
    },
    onError: () => void queryClient.invalidateQueries({ queryKey: affectedKey(car.id) }),
  });
  const newRate = Number(rate);
  const validRate = rate.trim() !== '' && Number.isFinite(newRate) && newRate > 0;
  const retired = car.status === 'retired';
  return (
    <tr>
      <td>
        <strong>{name}</strong>
        <span className="hint">
          {f.classes[car.class]} · {f.seats(car.seats)} · {f.transmissions[car.transmission]}
        </span>
        <FleetError error={patch.error ?? retire.error} />
      </td>
      <td>{formatMoney(car.dailyRate, car.currency)}</td>
      <td>{f.statuses[car.status]}</td>
      <td>
        {!retired && (
          <div className="row wrap">
            <TextInput
              label={f.newRate(name, car.currency)}
              name={`rate-${car.id}`}
              type="number"
              value={rate}
              onChange={setRate}
            />
            <Confirm
              trigger={f.changePrice}
              triggerLabel={f.changePriceLabel(name)}
              title={f.priceTitle(
                name,
                validRate ? formatMoney(toMinor(newRate, car.currency), car.currency) : '',
              )}
              body={f.priceBody}
              isDisabled={!validRate || patch.isPending}
              onConfirm={() => patch.mutate({ dailyRate: toMinor(newRate, car.currency) })}
            />
            {car.status === 'active' ? (
              <Confirm
                trigger={f.toMaintenance}
                triggerLabel={f.toMaintenanceLabel(name)}
                title={f.maintenanceTitle(name)}
                body={f.maintenanceBody}
                isDisabled={patch.isPending}
                onConfirm={() => patch.mutate({ status: 'maintenance' })}
              />
            ) : (
              <Confirm
                trigger={f.backInService}
                triggerLabel={f.backInServiceLabel(name)}
                title={f.serviceTitle(name)}
                body={f.serviceBody}
                isDisabled={patch.isPending}
                onConfirm={() => patch.mutate({ status: 'active' })}
              />
            )}
            <Confirm
              danger
              trigger={f.retire}
              triggerLabel={f.retireLabel(name)}
              title={f.retireTitle(name)}
              body={<RetireBody car={car} timeZone={timeZone} />}
              isDisabled={retire.isPending}
              onConfirm={() => retire.mutate()}
            />
          </div>
        )}
      </td>
    </tr>
  );
}
