import { z } from 'zod';
import { BookingCreate } from '../cars/rentals/schemas.js';
import { FlightBookingCreate } from '../flights/schemas.js';
import { StayBookingCreate } from '../stays/schemas.js';

export const CheckoutKindName = z.enum(['car', 'stay', 'flight']);

export const CheckoutParams = z.object({ kind: CheckoutKindName, id: z.uuid() });

export const HoldCreate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('car'), booking: BookingCreate }),
  z.object({ kind: z.literal('stay'), booking: StayBookingCreate }),
  z.object({ kind: z.literal('flight'), booking: FlightBookingCreate }),
]);
export type HoldCreate = z.infer<typeof HoldCreate>;

export const PayBody = z
  .object({
    paymentMethod: z
      .string()
      .min(3)
      .max(255)
      .regex(/^[A-Za-z0-9_]+$/, 'a payment method id such as pm_card_visa')
      .optional(),
  })
  .default({});

const money = z.number().int().min(0);

export const CheckoutBooking = z.object({
  kind: CheckoutKindName,
  id: z.uuid(),
  userId: z.uuid(),
  status: z.enum(['pending', 'confirmed', 'cancelled', 'expired', 'refunded']),
  amount: money.describe('Minor units of currency'),
  currency: z.string().length(3),
  holdExpiresAt: z.string().nullable(),
  startsAt: z.string(),
  policy: z.object({
    freeUntilHoursBefore: z.number(),
    feeBasisPoints: z
      .number()
      .int()
      .describe('The fee after the free period, in basis points of the amount paid'),
  }),
  title: z.string(),
  amountCharged: money,
  amountDueOnSite: money,
  amountRefunded: money,
  paymentProvider: z.string().nullable(),
  paymentId: z.string().nullable(),
});

export const PaymentStatus = z.enum([
  'requires_payment',
  'processing',
  'succeeded',
  'failed',
  'due_on_site',
  'refunded',
]);

export const CheckoutPayment = z.object({
  provider: z.enum(['stripe', 'pay-at-pickup']),
  status: PaymentStatus,
  clientSecret: z
    .string()
    .nullable()
    .describe('For confirming the payment in the browser (Stripe); null otherwise'),
  failureReason: z.string().nullable().describe('Why the last attempt failed, e.g. insufficient_funds'),
});
export type CheckoutPayment = z.infer<typeof CheckoutPayment>;

export const Checkout = z.object({ booking: CheckoutBooking, payment: CheckoutPayment });
export type Checkout = z.infer<typeof Checkout>;

export const CheckoutConfig = z.object({
  provider: z.enum(['stripe', 'pay-at-pickup']),
  holdMinutes: z.number().int(),
  testMode: z.boolean(),
  testPaymentMethods: z.array(z.object({ id: z.string(), label: z.string() })),
});

export const CancellationQuote = z.object({
  refundAmount: money,
  fee: money,
  currency: z.string().length(3),
  freeUntil: z.string().describe('Until when cancelling is free (ISO 8601)'),
});
export type CancellationQuote = z.infer<typeof CancellationQuote>;

export const CancelOutcome = z.object({
  booking: CheckoutBooking,
  refund: z.object({ amount: money, status: z.enum(['none', 'pending', 'succeeded']) }),
});
export type CancelOutcome = z.infer<typeof CancelOutcome>;

export const WebhookReceived = z.object({ received: z.literal(true), duplicate: z.boolean() });
