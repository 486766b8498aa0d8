import { formatLocal } from '../format';

/** An instant shown in the place's own time zone, the zone named. */
export function LocalTime({ at, timeZone, time = true }: { at: string; timeZone: string; time?: boolean }) {
  return (
    <time dateTime={at} title={timeZone}>
      {formatLocal(at, timeZone, { time })}
    </time>
  );
}
