import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/http/auth.js';
import { AppError, badRequest, conflict, notFound, serviceUnavailable } from '../../platform/http/errors.js';
import type { Idempotency } from '../../platform/http/idempotency.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { Db } from '../database.js';
import type { CheckoutBooking, CheckoutKind, CheckoutKindName } from './kind.js';
import { createLedger } from './ledger.js';
import { createCheckoutMetrics } from './metrics.js';
import { cancellationTerms } from './policy.js';
import {
  type PaymentProvider,
  ProviderUnavailableError,
  WebhookSignatureError,
} from './providers/provider.js';
import { createCheckoutRepository, type PaymentRow } from './repository.js';
import type { CancellationQuote, CancelOutcome, Checkout, CheckoutPayment, HoldCreate } from './schemas.js';

export interface CheckoutDeps {
  db: Db;
  /** The kinds of booking that can be checked out; late-bound, the booking modules build them. */
  kinds: () => Partial<Record<CheckoutKindName, CheckoutKind>>;
  provider: PaymentProvider;
  holdMinutes: number;
  clock: Clock;
  metrics: Metrics;
  idempotency: Idempotency;
  log: Logger;
}

const HOUR_MS = 3_600_000;

/** The refund and fee the booking's policy gives for cancelling at `at` (the rule the kinds apply). */
export function cancellationQuote(booking: CheckoutBooking, at: Date): CancellationQuote {
  const startsAt = new Date(booking.startsAt);
  const left = Math.max(0, booking.amountCharged - booking.amountRefunded);
  const terms = cancellationTerms(booking.policy, left, startsAt, at);
  const freeUntil = new Date(startsAt.getTime() - booking.policy.freeUntilHoursBefore * HOUR_MS);
  return {
    refundAmount: terms.refundAmount,
    fee: terms.fee,
    currency: booking.currency,
    freeUntil: freeUntil.toISOString(),
  };
}

/**
 * Checkout: a hold on the product, payment through the configured provider, confirmation, and
 * cancellation with the refund the booking's policy gives. Written once over `CheckoutKind`.
 */
export function createCheckoutService(deps: CheckoutDeps) {
  const { provider, clock, idempotency } = deps;
  const repo = createCheckoutRepository(deps.db);
  const metrics = createCheckoutMetrics(deps.metrics);

  function kindOf(kind: CheckoutKindName): CheckoutKind {
    const k = deps.kinds()[kind];
    if (!k) throw notFound('checkout_kind_unavailable', `Checkout is not available for ${kind} bookings`);
    return k;
  }
  const ledger = createLedger({ repo, provider, metrics, log: deps.log, kindOf });

  /** Provider outages read as 503 with a stable code; the hold stays and the traveller may retry. */
  async function viaProvider<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof ProviderUnavailableError)) throw err;
      deps.log.warn({ err: err.message }, 'payment provider unavailable');
      metrics.failed('provider_unavailable');
      metrics.attempt(provider.name, 'failed');
      throw serviceUnavailable(
        'payment_provider_unavailable',
        'Payments are unavailable just now; try again shortly',
      );
    }
  }

  function paymentView(booking: CheckoutBooking, row: PaymentRow | undefined): CheckoutPayment {
    // A booking made before checkout (no payment row) was booked to be paid on site.
    const status =
      row?.status ??
      (booking.status === 'confirmed'
        ? 'due_on_site'
        : booking.status === 'refunded'
          ? 'refunded'
          : 'requires_payment');
    return {
      provider: (row?.provider ?? provider.name) as CheckoutPayment['provider'],
      status,
      clientSecret: status === 'requires_payment' ? (row?.client_secret ?? null) : null,
      failureReason: status === 'failed' ? (row?.failure_reason ?? null) : null,
    };
  }

  async function view(booking: CheckoutBooking): Promise<Checkout> {
    return { booking, payment: paymentView(booking, await repo.latestPayment(booking.kind, booking.id)) };
  }

  /** The booking when `who` may see it (owner, or admin when `adminToo`); 404 otherwise, never 403. */
  async function visible(kind: CheckoutKindName, id: string, who: Principal, adminToo: boolean) {
    const booking = await kindOf(kind).find(id);
    if (!booking || !(booking.userId === who.userId || (adminToo && who.role === 'admin')))
      throw notFound('checkout_not_found', 'No such checkout');
    return booking;
  }

  const isLapsed = (b: CheckoutBooking) =>
    b.status === 'expired' ||
    (b.status === 'pending' && !!b.holdExpiresAt && new Date(b.holdExpiresAt) <= clock.now());

  async function pay(kind: CheckoutKindName, id: string, who: Principal, paymentMethod: string | undefined) {
    const booking = await visible(kind, id, who, false);
    if (booking.status === 'confirmed') return view(booking);
    if (isLapsed(booking)) throw conflict('hold_expired', 'The hold has expired; start the checkout again');
    if (booking.status !== 'pending')
      throw conflict('booking_not_payable', `The booking is ${booking.status}`);
    let row = await repo.latestPayment(kind, id);
    if (!provider.chargesNow) {
      const result = await kindOf(kind).confirm(id, {
        provider: provider.name,
        paymentId: null,
        amountCharged: 0,
        amountDueOnSite: booking.amount,
      });
      if (!result.ok) throw conflict('hold_expired', 'The hold has expired; start the checkout again');
      row ??= await ledger.startAttempt(booking);
      if (await repo.transition(row.id, 'due_on_site')) {
        metrics.attempt(provider.name, 'due_on_site');
        metrics.confirmed(kind, booking.currency, booking.amount);
      }
      return view(result.booking);
    }
    if (!paymentMethod)
      throw badRequest('payment_method_required', 'paymentMethod is required to pay by card');
    return viaProvider(async () => {
      // A payment still processing finishes by webhook; paying again would confirm it twice.
      if (row?.status === 'processing') return view(booking);
      if (!row || row.status === 'failed') row = await ledger.startAttempt(booking);
      row = await ledger.ensureProviderPayment(row, booking);
      if (row.status !== 'succeeded') {
        const answer = await provider.confirm(
          row.provider_payment_id!,
          paymentMethod,
          `${row.idempotency_key}:confirm:${paymentMethod}`,
        );
        if (answer.status === 'failed') {
          const reason = answer.failureReason ?? 'card_declined';
          await ledger.failed(row, reason);
          throw new AppError(402, 'card_declined', answer.failureMessage ?? 'The card was declined', {
            declineCode: reason,
            holdExpiresAt: booking.holdExpiresAt,
          });
        }
        if (answer.status !== 'succeeded') {
          if (await repo.transition(row.id, 'processing')) metrics.attempt(provider.name, 'processing');
          return view(booking);
        }
      }
      const settled = await ledger.succeeded(row);
      if (!settled.ok)
        throw conflict('hold_expired', 'The hold expired while paying; the payment is refunded');
      return view(settled.booking);
    });
  }

  async function cancel(kind: CheckoutKindName, id: string, who: Principal): Promise<CancelOutcome> {
    const before = await visible(kind, id, who, false);
    let booking = before;
    let refundAmount = 0;
    if (before.status === 'pending' || before.status === 'confirmed') {
      const result = await kindOf(kind).cancel(id, who);
      booking = result.booking;
      refundAmount = result.refundAmount;
    }
    const row = await repo.latestPayment(kind, id);
    if (!row || (row.status !== 'succeeded' && row.status !== 'refunded'))
      return { booking, refund: { amount: 0, status: 'none' } };
    const prior = await repo.refundFor(row.id);
    const amount = prior?.amount ?? refundAmount;
    const refund = await viaProvider(() => ledger.refund(row, amount));
    return { booking: (await kindOf(kind).find(id)) ?? booking, refund };
  }

  return {
    config: () => ({
      provider: provider.name,
      holdMinutes: deps.holdMinutes,
      testMode: provider.testMode,
      testPaymentMethods: provider.testMode ? provider.testPaymentMethods : [],
    }),

    hold(userId: string, body: HoldCreate, key: string | undefined) {
      return idempotency.run({ userId, key, operation: 'checkout.hold', request: body }, async () => {
        // The kind validates its own body again, from JSON as the client sent it (not our parsed values).
        const input: unknown = JSON.parse(JSON.stringify(body.booking));
        const booking = await kindOf(body.kind).hold(userId, input, deps.holdMinutes);
        // A provider outage leaves the hold without its payment; paying creates it then.
        await ledger.startAttempt(booking).catch((err) => {
          if (!(err instanceof ProviderUnavailableError)) throw err;
          deps.log.warn({ err: err.message }, 'payment not created with the hold; created when paying');
        });
        return { statusCode: 201, body: await view(booking) };
      });
    },

    async get(kind: CheckoutKindName, id: string, who: Principal) {
      return view(await visible(kind, id, who, true));
    },

    pay(
      kind: CheckoutKindName,
      id: string,
      who: Principal,
      paymentMethod: string | undefined,
      key: string | undefined,
    ) {
      return idempotency.run(
        { userId: who.userId, key, operation: 'checkout.pay', request: { kind, id, paymentMethod } },
        async () => ({ statusCode: 200, body: await pay(kind, id, who, paymentMethod) }),
      );
    },

    async cancellation(kind: CheckoutKindName, id: string, who: Principal) {
      return cancellationQuote(await visible(kind, id, who, false), clock.now());
    },

    cancel(kind: CheckoutKindName, id: string, who: Principal, key: string | undefined) {
      return idempotency.run(
        { userId: who.userId, key, operation: 'checkout.cancel', request: { kind, id } },
        async () => ({ statusCode: 200, body: await cancel(kind, id, who) }),
      );
    },

    /** A provider's webhook: verified by its signature, applied once, in any order. */
    async webhook(rawBody: Buffer, signature: string | undefined) {
      let event: ReturnType<PaymentProvider['parseWebhook']>;
      try {
        event = provider.parseWebhook(rawBody, signature);
      } catch (err) {
        if (err instanceof WebhookSignatureError)
          throw badRequest('invalid_signature', 'The webhook signature does not verify');
        throw badRequest('invalid_signature', 'The webhook body is not an event');
      }
      const applied = await viaProvider(() => ledger.apply(event));
      return { received: true as const, duplicate: !applied };
    },
  };
}

export type CheckoutService = ReturnType<typeof createCheckoutService>;
