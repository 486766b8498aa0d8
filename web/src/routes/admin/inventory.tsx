import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput } from '../../components/Fields';
import { formatDate } from '../../format';
import { t } from '../../i18n';
import { Confirm } from './confirm';

type Property =
  paths['/stays/properties']['get']['responses'][200]['content']['application/json']['properties'][number];
type RoomType = Property['roomTypes'][number];
type Night =
  paths['/stays/room-types/{id}/inventory']['get']['responses'][200]['content']['application/json']['nights'][number];
interface Change {
  roomType: RoomType;
  night: string;
  from: number;
  to: number;
}

const n = t.adminInventory;
const NIGHTS = 14;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);
const cellKey = (roomTypeId: string, night: string) => `${roomTypeId}/${night}`;

/** A save that stopped at one night: which room type and night, and the API's answer. */
class SaveFailure extends Error {
  constructor(
    readonly roomTypeId: string,
    readonly night: string,
    override readonly cause: unknown,
  ) {
    super('save failed');
  }
}

/** The sentence for a refused save: the night and room type that has more rooms booked. */
function SaveError({ error, roomTypes }: { error: unknown; roomTypes: RoomType[] }) {
  if (
    error instanceof SaveFailure &&
    error.cause instanceof ApiError &&
    error.cause.code === 'rooms_below_booked'
  ) {
    const first = (error.cause.details as { nights?: { night: string; booked: number }[] })?.nights?.[0];
    const rt = roomTypes.find((r) => r.id === error.roomTypeId);
    if (first && rt)
      return (
        <p role="alert" className="banner error">
          {n.belowBooked(rt.name, formatDate(first.night), first.booked)}
        </p>
      );
  }
  return <ErrorBanner error={error instanceof SaveFailure ? error.cause : error} />;
}

function Grid({ property, onDone }: { property: Property; onDone: (msg?: string) => void }) {
  const queryClient = useQueryClient();
  const [first, setFirst] = useState(today);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const last = addDays(first, NIGHTS);
  const nights = Array.from({ length: NIGHTS }, (_, i) => addDays(first, i));
  const inventories = useQueries({
    queries: property.roomTypes.map((rt) => ({
      queryKey: ['admin', 'inventory', rt.id, first],
      queryFn: () =>
        unwrap(
          api.GET('/stays/room-types/{id}/inventory', {
            params: { path: { id: rt.id }, query: { from: first, to: last } },
          }),
        ),
    })),
  });
  const cell = (i: number, night: string): Night | undefined =>
    inventories[i]?.data?.nights.find((x) => x.night === night);
  const changes: Change[] = property.roomTypes.flatMap((rt, i) =>
    nights.flatMap((night) => {
      const raw = edits[cellKey(rt.id, night)];
      const current = cell(i, night)?.rooms ?? 0;
      const to = Number(raw);
      return raw === undefined || raw.trim() === '' || !Number.isInteger(to) || to < 0 || to === current
        ? []
        : [{ roomType: rt, night, from: current, to }];
    }),
  );
  const save = useMutation({
    mutationFn: async (list: Change[]) => {
      // One night at a time: a refused night stops there and names itself; saved ones stay saved.
      for (const c of list) {
        try {
          await unwrap(
            api.PUT('/stays/room-types/{id}/inventory', {
              params: { path: { id: c.roomType.id } },
              body: { from: c.night, to: addDays(c.night, 1), rooms: c.to },
            }),
          );
        } catch (err) {
          throw new SaveFailure(c.roomType.id, c.night, err);
        }
        setEdits((e) => {
          const { [cellKey(c.roomType.id, c.night)]: _, ...rest } = e;
          return rest;
        });
      }
      return list.length;
    },
    onMutate: () => onDone(undefined),
    onSuccess: (count) => onDone(n.saved(count)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['admin', 'inventory'] }),
  });
  const refused =
    save.error instanceof SaveFailure ? cellKey(save.error.roomTypeId, save.error.night) : undefined;
  if (property.roomTypes.length === 0) return <p>{n.noRoomTypes}</p>;
  return (
    <>
      <div className="row wrap">
        <Button className="button secondary" onPress={() => setFirst(addDays(first, -NIGHTS))}>
          {n.earlier}
        </Button>
        <Button className="button secondary" onPress={() => setFirst(addDays(first, NIGHTS))}>
          {n.later}
        </Button>
      </div>
      <SaveError error={save.error} roomTypes={property.roomTypes} />
      {inventories.map((q, i) => (
        <ErrorBanner key={property.roomTypes[i]!.id} error={q.error} />
      ))}
      <div className="table-scroll">
        <table className="inventory">
          <caption className="visually-hidden">{n.caption(property.name)}</caption>
          <thead>
            <tr>
              <th scope="col">{n.night}</th>
              {property.roomTypes.map((rt) => (
                <th key={rt.id} scope="col">
                  {rt.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {nights.map((night) => (
              <tr key={night}>
                <th scope="row">{formatDate(night)}</th>
                {property.roomTypes.map((rt, i) => {
                  const c = cell(i, night);
                  const key = cellKey(rt.id, night);
                  return (
                    <td key={rt.id}>
                      <input
                        className="input"
                        type="number"
                        min={0}
                        aria-label={n.onSale(rt.name, formatDate(night))}
                        aria-invalid={refused === key || undefined}
                        value={edits[key] ?? String(c?.rooms ?? '')}
                        placeholder={c ? undefined : '0'}
                        onChange={(e) => setEdits({ ...edits, [key]: e.target.value })}
                      />
                      <span className="hint">
                        {c ? `${n.booked(c.booked)} · ${n.left(c.rooms - c.booked)}` : n.notOnSale}
                      </span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Confirm
        trigger={n.save}
        title={n.saveTitle(changes.length)}
        body={
          <>
            {changes.map((c) => (
              <span key={cellKey(c.roomType.id, c.night)} className="console-line">
                {n.change(c.roomType.name, formatDate(c.night), c.from, c.to)}
              </span>
            ))}
            <span className="console-line">{n.saveBody}</span>
          </>
        }
        isDisabled={changes.length === 0 || save.isPending}
        onConfirm={() => save.mutate(changes)}
      />
    </>
  );
}

export function InventoryPage() {
  const [message, setMessage] = useState<string>();
  const [chosen, setChosen] = useState<string>();
  const properties = useQuery({
    queryKey: ['admin', 'inventory', 'properties'],
    queryFn: () => unwrap(api.GET('/stays/properties')),
  });
  const list = properties.data?.properties ?? [];
  const property = list.find((p) => p.id === chosen) ?? list[0];
  return (
    <section>
      <h1>{n.title}</h1>
      <p role="status" className={message ? 'banner success' : undefined}>
        {message}
      </p>
      <ErrorBanner error={properties.error} onRetry={() => void properties.refetch()} />
      {property && (
        <>
          <SelectInput
            label={n.property}
            value={property.id}
            onChange={setChosen}
            options={list.map((p) => ({ value: p.id, label: `${p.city} · ${p.name}` }))}
          />
          <Grid key={property.id} property={property} onDone={setMessage} />
        </>
      )}
    </section>
  );
}
