import type { Metrics } from '../../platform/observability/metrics.js';

/** Value buckets in minor units: 10 to 10 000 in the currency's major unit. */
const VALUE_BUCKETS = [1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];

/** Decline and error codes kept as label values; any other reason counts as `other`. */
const KNOWN_REASONS = new Set([
  'card_declined',
  'generic_decline',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'fraudulent',
  'lost_card',
  'stolen_card',
  'do_not_honor',
  'authentication_required',
  'provider_unavailable',
]);

export function createCheckoutMetrics(metrics: Metrics) {
  const revenue = metrics.counter(
    'voyage_revenue_minor_total',
    'Value of confirmed bookings in minor units, charged now or due on site',
    ['kind', 'currency'],
  );
  const value = metrics.histogram(
    'voyage_booking_value_minor',
    'Value of each confirmed booking in minor units',
    ['kind', 'currency'],
    VALUE_BUCKETS,
  );
  const failures = metrics.counter(
    'voyage_payment_failures_total',
    'Payment attempts that failed, by reason',
    ['reason'],
  );
  const attempts = metrics.counter(
    'voyage_payment_attempts_total',
    'Payment attempts by provider and outcome',
    ['provider', 'outcome'],
  );
  const refunded = metrics.counter('voyage_refunds_minor_total', 'Refunded amounts in minor units', [
    'kind',
    'currency',
  ]);
  return {
    confirmed(kind: string, currency: string, amount: number) {
      revenue.inc({ kind, currency }, amount);
      value.observe({ kind, currency }, amount);
    },
    attempt(provider: string, outcome: 'succeeded' | 'failed' | 'processing' | 'due_on_site') {
      attempts.inc({ provider, outcome });
    },
    failed(reason: string) {
      failures.inc({ reason: KNOWN_REASONS.has(reason) ? reason : 'other' });
    },
    refunded(kind: string, currency: string, amount: number) {
      refunded.inc({ kind, currency }, amount);
    },
  };
}

export type CheckoutMetrics = ReturnType<typeof createCheckoutMetrics>;
