import { randomUUID } from 'node:crypto';
import type { Logger } from '../../platform/observability/logger.js';
import type { CheckoutBooking, CheckoutKind } from './kind.js';
import type { CheckoutMetrics } from './metrics.js';
import type { PaymentProvider, ProviderEvent } from './providers/provider.js';
import type { CheckoutRepository, PaymentRow } from './repository.js';

export interface LedgerDeps {
  repo: CheckoutRepository;
  provider: PaymentProvider;
  metrics: CheckoutMetrics;
  log: Logger;
  kindOf: (kind: CheckoutBooking['kind']) => CheckoutKind;
}

export type RefundOutcome = { amount: number; status: 'none' | 'pending' | 'succeeded' };

/**
 * What happens to money, shared by the traveller's requests and the provider's webhooks: a payment
 * that succeeded confirms its booking (or, when the hold lapsed meanwhile, is refunded in full); a
 * refund is asked for once per payment and recorded on the booking when it lands. Every step is
 * idempotent and moves state forwards only, so a request and a webhook may race or repeat.
 */
export function createLedger(deps: LedgerDeps) {
  const { repo, provider, metrics, log, kindOf } = deps;

  /** Starts a new attempt: a row, then the provider's payment (retried later if the provider is down). */
  async function startAttempt(booking: CheckoutBooking): Promise<PaymentRow> {
    const row = await repo.insertPayment({
      kind: booking.kind,
      booking_id: booking.id,
      user_id: booking.userId,
      provider: provider.name,
      amount: booking.amount,
      currency: booking.currency,
      idempotency_key: `voyage-payment-${randomUUID()}`,
    });
    return ensureProviderPayment(row, booking);
  }

  async function ensureProviderPayment(row: PaymentRow, booking: CheckoutBooking): Promise<PaymentRow> {
    if (!provider.chargesNow || row.provider_payment_id) return row;
    const created = await provider.create({
      amount: row.amount,
      currency: row.currency,
      kind: booking.kind,
      bookingId: booking.id,
      description: booking.title,
      idempotencyKey: `${row.idempotency_key}:create`,
    });
    await repo.setProviderPayment(row.id, created.paymentId, created.clientSecret);
    return { ...row, provider_payment_id: created.paymentId, client_secret: created.clientSecret };
  }

  /** Records a failed attempt and counts it (once, however many times it is reported). */
  async function failed(row: PaymentRow, reason: string) {
    if (await repo.transition(row.id, 'failed', reason)) {
      metrics.failed(reason);
      metrics.attempt(provider.name, 'failed');
    }
  }

  /** A payment that succeeded: confirms the booking, or refunds it if the booking can no longer be had. */
  async function succeeded(row: PaymentRow): Promise<{ ok: boolean; booking: CheckoutBooking }> {
    const kind = kindOf(row.kind);
    const moved = await repo.transition(row.id, 'succeeded');
    const current = await repo.latestPayment(row.kind, row.booking_id);
    const still = moved || (current?.id === row.id && current.status === 'succeeded');
    if (!still) {
      const booking = await kind.find(row.booking_id);
      return { ok: booking?.status === 'confirmed', booking: booking! };
    }
    const result = await kind.confirm(row.booking_id, {
      provider: provider.name,
      paymentId: row.provider_payment_id,
      amountCharged: row.amount,
      amountDueOnSite: 0,
    });
    if (result.ok && result.booking.paymentId && result.booking.paymentId !== row.provider_payment_id) {
      // Another attempt paid for this booking first: this one is a second charge, given back.
      log.warn(
        { kind: row.kind, bookingId: row.booking_id },
        'booking paid twice; refunding the later payment',
      );
      await refund(row, row.amount, false);
      return { ok: true, booking: result.booking };
    }
    if (result.ok) {
      if (moved) {
        metrics.attempt(provider.name, 'succeeded');
        metrics.confirmed(row.kind, row.currency, row.amount);
      }
      return { ok: true, booking: result.booking };
    }
    // Paid for a hold that lapsed (or was cancelled) meanwhile: the money goes back.
    log.warn(
      { kind: row.kind, bookingId: row.booking_id, reason: result.reason },
      'paid hold not confirmable; refunding',
    );
    await refund(row, row.amount, false);
    return { ok: false, booking: result.booking };
  }

  /** Asks the provider for the payment's refund once; marks the booking refunded when it lands. */
  async function refund(row: PaymentRow, amount: number, markBooking = true): Promise<RefundOutcome> {
    if (amount <= 0 || !row.provider_payment_id) return { amount: 0, status: 'none' };
    const claim = await repo.claimRefund(row.id, amount, `voyage-refund-${randomUUID()}`);
    if (claim.status === 'succeeded') return { amount: claim.amount, status: 'succeeded' };
    const answer = await provider.refund(row.provider_payment_id, claim.amount, claim.idempotency_key);
    await repo.settleRefund(claim.id, answer.status, answer.refundId);
    if (answer.status === 'succeeded') await refunded(row, claim.amount, markBooking);
    return { amount: claim.amount, status: answer.status === 'succeeded' ? 'succeeded' : 'pending' };
  }

  async function refunded(row: PaymentRow, amount: number, markBooking = true) {
    if (!(await repo.transition(row.id, 'refunded'))) return;
    metrics.refunded(row.kind, row.currency, amount);
    const pending = await repo.refundFor(row.id);
    if (pending) await repo.settleRefund(pending.id, 'succeeded', null);
    const booking = await kindOf(row.kind).find(row.booking_id);
    if (markBooking && booking?.status === 'cancelled')
      await kindOf(row.kind).markRefunded(row.booking_id, amount);
  }

  /** Applies one verified provider event; false when it was seen before. */
  async function apply(event: ProviderEvent): Promise<boolean> {
    if (await repo.eventSeen(provider.name, event.id)) return false;
    if (event.type !== 'ignored') {
      const row = await repo.paymentByProviderId(event.paymentId);
      if (!row) log.info({ eventId: event.id, type: event.type }, 'webhook for an unknown payment; ignored');
      else if (event.type === 'payment.succeeded') await succeeded(row);
      else if (event.type === 'payment.failed') await failed(row, event.failureReason);
      else await refunded(row, event.amountRefunded);
    }
    return repo.recordEvent(
      provider.name,
      event.id,
      event.type === 'ignored' ? event.providerType : event.type,
    );
  }

  return { startAttempt, ensureProviderPayment, failed, succeeded, refund, refunded, apply };
}

export type Ledger = ReturnType<typeof createLedger>;
