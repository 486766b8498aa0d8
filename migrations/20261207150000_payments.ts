import { defineMigration } from '../src/platform/db/migrator.js';

// Checkout's ledger. Each attempt to pay for a booking is one `payments` row (a Stripe
// PaymentIntent, or a pay-at-pickup promise); a declined card leaves its row failed and the retry
// gets a new one. The idempotency key is the one sent to the provider, unique so that a retried
// write can never create a second charge. Which states may follow which is the service's rule,
// written as guarded UPDATEs (a webhook arriving late never moves a row backwards). Webhook event ids
// are kept so that a redelivered event is recognised.
export default defineMigration({
  up: `
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('car', 'stay', 'flight')),
      booking_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      provider text NOT NULL CHECK (provider IN ('pay-at-pickup', 'stripe')),
      provider_payment_id text UNIQUE,
      amount integer NOT NULL CHECK (amount >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      status text NOT NULL DEFAULT 'requires_payment' CHECK (status IN
        ('requires_payment', 'processing', 'succeeded', 'failed', 'due_on_site', 'refunded')),
      failure_reason text,
      client_secret text,
      idempotency_key text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX payments_booking_idx ON payments (kind, booking_id, created_at DESC);

    CREATE TABLE refunds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      payment_id uuid NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
      provider_refund_id text UNIQUE,
      amount integer NOT NULL CHECK (amount > 0),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
      idempotency_key text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    -- One refund per payment: cancelling twice refunds once.
    CREATE UNIQUE INDEX refunds_one_per_payment ON refunds (payment_id);

    CREATE TABLE payment_webhook_events (
      provider text NOT NULL,
      event_id text NOT NULL,
      type text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, event_id)
    );
  `,
  down: `
    DROP TABLE payment_webhook_events;
    DROP TABLE refunds;
    DROP TABLE payments;
  `,
});
