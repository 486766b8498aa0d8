import type { CalendarDate, ZonedDateTime } from '@internationalized/date';
import { type ComponentProps, lazy, Suspense, useId } from 'react';
import type { DateField as DateFieldImpl } from './DateTimeField';
import type { PlaceSearch as PlaceSearchImpl } from './PlaceSearch';

// React Aria's date field and combobox are most of a search page's JavaScript. They load in their own
// chunks, fetched as soon as a page shows them, so that the page's frame (heading, filters, results)
// does not wait for them. Until they arrive a labelled, disabled stand-in holds their place.
const DateFieldChunk = lazy(async () => ({ default: (await import('./DateTimeField')).DateField }));
const PlaceSearchChunk = lazy(async () => ({ default: (await import('./PlaceSearch')).PlaceSearch }));

function StandIn({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div className="field" aria-busy="true">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="input" value={value} disabled readOnly />
    </div>
  );
}

export function DateField<T extends CalendarDate | ZonedDateTime>(
  props: ComponentProps<typeof DateFieldImpl<T>>,
) {
  const Field = DateFieldChunk as unknown as typeof DateFieldImpl<T>;
  return (
    <Suspense fallback={<StandIn label={props.label} value={props.value.toString()} />}>
      <Field {...props} />
    </Suspense>
  );
}

export function PlaceSearch(props: ComponentProps<typeof PlaceSearchImpl>) {
  return (
    <Suspense fallback={<StandIn label={props.label} value={props.value?.label ?? ''} />}>
      <PlaceSearchChunk {...props} />
    </Suspense>
  );
}
