import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdempotencyHeaders, idempotencyKey, sendOutcome } from '../../platform/http/idempotency.js';
import type { RouteDeps } from '../module.js';
import {
  CancellationQuote,
  CancelOutcome,
  Checkout,
  CheckoutConfig,
  CheckoutParams,
  HoldCreate,
  PayBody,
  WebhookReceived,
} from './schemas.js';
import type { CheckoutService } from './service.js';

export const checkoutRoutes: FastifyPluginAsyncZod<RouteDeps<CheckoutService>> = async (
  app,
  { service: checkout },
) => {
  const auth = { onRequest: app.requireUser };
  const secured = { security: [{ bearer: [] }] };
  const tags = ['checkout'];

  app.get(
    '/checkout/config',
    {
      schema: {
        tags,
        summary: 'How checkout takes payment: the provider, the hold time, and test cards in test mode',
        response: { 200: CheckoutConfig },
      },
    },
    async () => checkout.config(),
  );

  app.post(
    '/checkout/holds',
    {
      ...auth,
      schema: {
        tags,
        ...secured,
        summary: 'Hold a car, a room or a seat for the hold time, ready to pay',
        description:
          'The body is the kind and that kind’s booking body. Fails as booking does (409 with the same codes) when the product is taken.',
        headers: IdempotencyHeaders,
        body: HoldCreate,
        response: { 201: Checkout },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await checkout.hold(request.principal!.userId, request.body, idempotencyKey(request)),
      ),
  );

  app.get(
    '/checkout/:kind/:id',
    {
      ...auth,
      schema: {
        tags,
        ...secured,
        summary: 'A checkout: the booking and its payment (owner or admin)',
        params: CheckoutParams,
        response: { 200: Checkout },
      },
    },
    async (request) => checkout.get(request.params.kind, request.params.id, request.principal!),
  );

  app.post(
    '/checkout/:kind/:id/pay',
    {
      ...auth,
      schema: {
        tags,
        ...secured,
        summary: 'Pay for a hold and confirm the booking (owner)',
        description:
          'With Stripe, `paymentMethod` is required (e.g. pm_card_visa in test mode). A declined card is 402 card_declined with `details.declineCode`; the hold stays and paying may be retried until it expires. An expired hold is 409 hold_expired. With pay-at-pickup the booking is confirmed with its amount due on site.',
        params: CheckoutParams,
        headers: IdempotencyHeaders,
        body: PayBody,
        response: { 200: Checkout },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await checkout.pay(
          request.params.kind,
          request.params.id,
          request.principal!,
          request.body?.paymentMethod,
          idempotencyKey(request),
        ),
      ),
  );

  app.get(
    '/checkout/:kind/:id/cancellation',
    {
      ...auth,
      schema: {
        tags,
        ...secured,
        summary: 'What cancelling now would refund, and until when it is free (owner)',
        params: CheckoutParams,
        response: { 200: CancellationQuote },
      },
    },
    async (request) => checkout.cancellation(request.params.kind, request.params.id, request.principal!),
  );

  app.post(
    '/checkout/:kind/:id/cancel',
    {
      ...auth,
      schema: {
        tags,
        ...secured,
        summary: 'Cancel a booking and refund what its policy gives back (owner)',
        params: CheckoutParams,
        headers: IdempotencyHeaders,
        response: { 200: CancelOutcome },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await checkout.cancel(
          request.params.kind,
          request.params.id,
          request.principal!,
          idempotencyKey(request),
        ),
      ),
  );

  // Stripe signs the exact bytes it sends: this route reads its body raw, whatever the content type.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    raw.post(
      '/payments/webhooks/stripe',
      {
        schema: {
          tags,
          summary: 'Stripe’s webhook: payment and refund events, verified by their Stripe-Signature',
          description:
            'Without a valid signature: 400 invalid_signature. Each event is applied once (a redelivery answers `duplicate: true`), in any order.',
          headers: z.object({ 'stripe-signature': z.string().max(2000).optional() }),
          response: { 200: WebhookReceived },
        },
      },
      async (request) =>
        checkout.webhook(
          Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          typeof request.headers['stripe-signature'] === 'string'
            ? request.headers['stripe-signature']
            : undefined,
        ),
    );
  });
};
