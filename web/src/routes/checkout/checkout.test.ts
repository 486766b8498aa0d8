import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Checkout, CheckoutConfig } from '../../api/checkout';

// The web app reads the browser's language; these pieces render as they would in en-GB.
vi.stubGlobal('navigator', { language: 'en-GB' });

let words: typeof import('./words');
let pay: typeof import('./pay-panel');
let errors: typeof import('../../api/errors');
beforeAll(async () => {
  words = await import('./words');
  pay = await import('./pay-panel');
  errors = await import('../../api/errors');
});

const NOW = Date.parse('2027-05-01T08:00:00Z');
const paris = { at: '2027-05-12T08:00:00Z', timeZone: 'Europe/Paris' };

describe('the cancellation policy in words', () => {
  it('names the last free moment in the place’s zone, then the fee as a share', () => {
    expect(words.policyWords({ freeUntilHoursBefore: 48, feeBasisPoints: 2000 }, 'car', paris, NOW)).toBe(
      'Free cancellation until Mon, 10 May 2027, 10:00 CEST, then a fee of 20%.',
    );
  });
  it('says when nothing comes back after the free window, and when the window has passed', () => {
    expect(words.policyWords({ freeUntilHoursBefore: 24, feeBasisPoints: 10_000 }, 'stay', paris, NOW)).toBe(
      'Free cancellation until Tue, 11 May 2027, 10:00 CEST, then no refund.',
    );
    const late = Date.parse('2027-05-11T09:00:00Z');
    expect(words.policyWords({ freeUntilHoursBefore: 48, feeBasisPoints: 1250 }, 'car', paris, late)).toBe(
      'Cancelling now costs a fee of 12.5%.',
    );
    expect(words.policyWords({ freeUntilHoursBefore: 0, feeBasisPoints: 0 }, 'flight', paris, NOW)).toBe(
      'Free cancellation until Wed, 12 May 2027, 10:00 CEST.',
    );
  });
  it('counts hours back from the kind’s start when the start is not chosen yet', () => {
    expect(words.policyWords({ freeUntilHoursBefore: 48, feeBasisPoints: 2000 }, 'stay')).toBe(
      'Free cancellation until 48 hours before check-in, then a fee of 20%.',
    );
    expect(words.policyWords({ freeUntilHoursBefore: 1, feeBasisPoints: 10_000 }, 'flight')).toBe(
      'Free cancellation until 1 hour before departure, then no refund.',
    );
  });
});

describe('the hold countdown', () => {
  it('shows minutes and seconds, hours past an hour, and stops at zero', () => {
    expect(words.clock(9 * 60_000 + 5_000)).toBe('9:05');
    expect(words.clock(3_723_000)).toBe('1:02:03');
    expect(words.clock(-5_000)).toBe('0:00');
    expect(words.clock(59_001)).toBe('1:00');
  });
  it('speaks only at 10, 5, 2 and 1 minutes left, never every second', () => {
    expect(words.holdAnnouncement(14 * 60_000)).toBeUndefined();
    expect(words.holdAnnouncement(10 * 60_000)).toBe('Less than 10 minutes left on your hold.');
    const spoken = new Set<string | undefined>();
    for (let ms = 15 * 60_000; ms > 0; ms -= 1000) spoken.add(words.holdAnnouncement(ms));
    expect([...spoken]).toEqual([
      undefined,
      'Less than 10 minutes left on your hold.',
      'Less than 5 minutes left on your hold.',
      'Less than 2 minutes left on your hold.',
      'Less than a minute left on your hold.',
    ]);
    expect(words.holdAnnouncement(0)).toBeUndefined();
  });
});

const held: Checkout = {
  booking: {
    kind: 'car',
    id: '00000000-0000-4000-8000-000000000001',
    userId: '00000000-0000-4000-8000-000000000002',
    status: 'pending',
    amount: 12_450,
    currency: 'EUR',
    holdExpiresAt: '2027-05-01T08:15:00Z',
    startsAt: paris.at,
    policy: { freeUntilHoursBefore: 48, feeBasisPoints: 2000 },
    title: 'Peugeot 208 · Paris Gare de Lyon',
    amountCharged: 0,
    amountDueOnSite: 0,
    amountRefunded: 0,
    paymentProvider: null,
    paymentId: null,
  },
  payment: { provider: 'pay-at-pickup', status: 'requires_payment', clientSecret: null, failureReason: null },
};
const onSite: CheckoutConfig = {
  provider: 'pay-at-pickup',
  holdMinutes: 15,
  testMode: false,
  testPaymentMethods: [],
};
const stripeTest: CheckoutConfig = {
  provider: 'stripe',
  holdMinutes: 15,
  testMode: true,
  testPaymentMethods: [
    { id: 'pm_card_visa', label: 'Visa (succeeds)' },
    { id: 'pm_card_chargeDeclined', label: 'Visa (declined)' },
  ],
};
const render = (props: Partial<Parameters<typeof pay.PayPanel>[0]>) =>
  renderToStaticMarkup(
    createElement(pay.PayPanel, {
      checkout: held,
      config: onSite,
      onPay: () => undefined,
      isPending: false,
      error: null,
      ...props,
    }),
  );

describe('the payment panel', () => {
  it('pay-at-pickup: one button that says what will be paid where', () => {
    const html = render({});
    expect(html).toContain('Confirm — pay €124.50 at pickup');
    expect(html).not.toContain('role="alert"');
  });
  it('Stripe test mode: a labelled choice of test cards, the first chosen, and a Pay button', () => {
    const html = render({ config: stripeTest });
    expect(html).toMatch(/<legend>Test card<\/legend>/);
    expect(html).toMatch(/<input type="radio" name="payment-method" checked="" value="pm_card_visa"/);
    expect(html).toContain('Visa (declined)');
    expect(html).toContain('Pay €124.50');
  });
  it('a declined card is an alert in words while the choice stays to try again', () => {
    const declined = new errors.ApiError(402, 'card_declined', 'declined');
    const html = render({ config: stripeTest, error: declined });
    expect(html).toContain('role="alert"');
    expect(html).toContain('Your card was declined. Nothing was charged; choose another card or try again.');
    expect(html).toContain('Pay €124.50');
  });
  it('an error checkout does not know reads from the app’s table', () => {
    expect(pay.checkoutError(new errors.ApiError(409, 'booking_conflict', 'x'))).toBe(
      'Sorry, someone has just booked this car for these dates.',
    );
    expect(pay.checkoutError(new errors.ApiError(409, 'hold_expired', 'x'))).toBe('Your hold has expired.');
    const poor = new errors.ApiError(402, 'card_declined', 'x', { declineCode: 'insufficient_funds' });
    expect(pay.checkoutError(poor)).toMatch(/^Your card was declined: the account has not enough funds\./);
  });
});
