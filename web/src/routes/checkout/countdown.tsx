import { useEffect, useState } from 'react';
import { clock, holdAnnouncement } from './words';

/**
 * A live countdown to `until`. The clock ticks every second for the eye, inside a `timer` role
 * that screen readers do not announce; a separate polite status speaks only at a few moments
 * (10, 5, 2, 1 minutes left). `onEnd` runs once when the time is up.
 */
export function Countdown(props: { until: string; text: (clock: string) => string; onEnd?: () => void }) {
  const end = Date.parse(props.until);
  const [now, setNow] = useState(Date.now());
  const left = end - now;
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const { onEnd } = props;
  const over = left <= 0;
  useEffect(() => {
    if (over) onEnd?.();
  }, [over, onEnd]);
  return (
    <div className="countdown">
      <p role="timer" aria-live="off" className={left < 60_000 ? 'soon' : ''}>
        {props.text(clock(left))}
      </p>
      <p role="status" className="visually-hidden">
        {holdAnnouncement(left) ?? ''}
      </p>
    </div>
  );
}
