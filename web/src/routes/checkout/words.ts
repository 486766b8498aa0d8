import type { CancellationPolicy, CheckoutKind } from '../../api/checkout';
import { formatLocal } from '../../format';
import { t } from '../../i18n';

const HOUR = 3_600_000;

/** A fee in basis points as a share in the browser's language (2000 → "20%"). */
export function feePercent(basisPoints: number): string {
  return new Intl.NumberFormat(navigator.language || 'en', {
    style: 'percent',
    maximumFractionDigits: 2,
  }).format(basisPoints / 10_000);
}

/**
 * The policy as a sentence. With the start (an instant and its zone) the sentence names the last
 * free moment ("Free cancellation until Fri, 12 May 2027, 10:00 CEST, then a fee of 20%"); without it,
 * it counts hours back from the kind's start ("… until 48 hours before pick-up …").
 */
export function policyWords(
  policy: CancellationPolicy,
  kind: CheckoutKind,
  start?: { at: string; timeZone: string },
  now = Date.now(),
): string {
  const fee = policy.feeBasisPoints;
  const word = t.checkout.startWord[kind]!;
  if (!start) {
    if (fee === 0) return t.checkout.freeAnyTime(word);
    if (policy.freeUntilHoursBefore <= 0)
      return fee >= 10_000 ? t.checkout.noRefund : t.checkout.feeNow(feePercent(fee));
    return fee >= 10_000
      ? t.checkout.freeBeforeNoRefund(policy.freeUntilHoursBefore, word)
      : t.checkout.freeBefore(policy.freeUntilHoursBefore, word, feePercent(fee));
  }
  const startMs = Date.parse(start.at);
  if (fee === 0) return t.checkout.freeUntilStart(formatLocal(start.at, start.timeZone));
  const freeUntil = startMs - policy.freeUntilHoursBefore * HOUR;
  if (policy.freeUntilHoursBefore <= 0 || freeUntil <= now)
    return fee >= 10_000 ? t.checkout.noRefund : t.checkout.feeNow(feePercent(fee));
  const date = formatLocal(new Date(freeUntil).toISOString(), start.timeZone);
  return fee >= 10_000 ? t.checkout.freeThenNoRefund(date) : t.checkout.freeThenFee(date, feePercent(fee));
}

/** Time left as a clock: "9:05", or "1:02:03" past an hour; never below zero. */
export function clock(msLeft: number): string {
  const s = Math.max(0, Math.ceil(msLeft / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * What a screen reader hears about the hold: only at a few moments (10, 5, 2 and 1 minute left),
 * so that a live region does not speak every second. Returns the sentence for the last moment
 * passed, or undefined before the first.
 */
export function holdAnnouncement(msLeft: number): string | undefined {
  const minutes = [10, 5, 2, 1].filter((m) => msLeft <= m * 60_000);
  const last = minutes.at(-1);
  return last === undefined || msLeft <= 0 ? undefined : t.checkout.minutesLeft(last);
}
