// Over 300 lines: one contract server for Stripe's PaymentIntents, refunds, errors and signed webhooks.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';

/**
 * A local stand-in for the Stripe API with the shapes Stripe documents (https://docs.stripe.com/api):
 * PaymentIntents (create, confirm, retrieve), refunds, form-encoded bodies, Bearer secret keys,
 * Idempotency-Key replay, error objects, and webhook events signed with the Stripe-Signature scheme
 * (t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" under the endpoint secret>), implemented here
 * from the documentation so that Voyage's verification through the stripe package is tested against
 * an independent signer. Objects are typed against the stripe package's own types.
 *
 * Test cards behave as Stripe's do: pm_card_visa and pm_card_mastercard succeed;
 * pm_card_chargeDeclined declines (generic_decline); pm_card_chargeDeclinedInsufficientFunds
 * declines with insufficient_funds.
 */

export interface StripeServerOptions {
  secretKey: string;
  webhookSecret: string;
  /** Where events are delivered; unset: events are only recorded. */
  webhookUrl?: string;
  /** Deliver each event as it happens (default); off, events queue until `deliver`. */
  autoDeliver?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  form: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

type Intent = Pick<
  Stripe.PaymentIntent,
  | 'id'
  | 'object'
  | 'amount'
  | 'amount_received'
  | 'currency'
  | 'status'
  | 'client_secret'
  | 'created'
  | 'livemode'
  | 'description'
  | 'metadata'
  | 'capture_method'
  | 'confirmation_method'
  | 'latest_charge'
  | 'payment_method'
  | 'cancellation_reason'
> & {
  last_payment_error: Pick<
    Stripe.PaymentIntent.LastPaymentError,
    'type' | 'code' | 'decline_code' | 'message'
  > | null;
};

type Charge = Pick<
  Stripe.Charge,
  | 'id'
  | 'object'
  | 'amount'
  | 'amount_captured'
  | 'amount_refunded'
  | 'currency'
  | 'paid'
  | 'captured'
  | 'refunded'
  | 'status'
  | 'created'
  | 'livemode'
  | 'metadata'
> & { payment_intent: string };

type Refund = Pick<
  Stripe.Refund,
  'id' | 'object' | 'amount' | 'currency' | 'status' | 'created' | 'metadata' | 'reason'
> & { charge: string; payment_intent: string };

export type StripeEvent = Pick<
  Stripe.Event,
  'id' | 'object' | 'api_version' | 'created' | 'livemode' | 'pending_webhooks' | 'type'
> & {
  data: { object: Intent | Charge };
  request: { id: string | null; idempotency_key: string | null };
};

const DECLINES: Record<string, { decline_code: string; message: string }> = {
  pm_card_chargeDeclined: { decline_code: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclinedInsufficientFunds: {
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  pm_card_chargeDeclinedExpiredCard: { decline_code: 'expired_card', message: 'Your card has expired.' },
};
const SUCCEEDS = new Set(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']);

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

/** Form fields as Stripe reads them: `metadata[kind]=car` becomes `{ metadata: { kind: 'car' } }`. */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split(/\[|\]\[|\]/).filter(Boolean);
    let target = out as Record<string, unknown>;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) target[part] = value;
      else {
        target[part] ??= {};
        target = target[part] as Record<string, unknown>;
      }
    });
  }
  return out;
}

/** The Stripe-Signature header for a payload, as Stripe computes it. */
export function signatureHeader(payload: string, secret: string, timestamp = now()): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: Record<string, unknown> },
  ) {
    super(String(body.error.message));
  }
}

const invalid = (message: string, param?: string, code = 'parameter_missing') =>
  new StripeHttpError(400, {
    error: { type: 'invalid_request_error', code, message, ...(param ? { param } : {}) },
  });

export async function startStripeServer(opts: StripeServerOptions) {
  const intents = new Map<string, Intent>();
  const charges = new Map<string, Charge>();
  const refunds = new Map<string, Refund>();
  const idempotent = new Map<string, { hash: string; status: number; body: unknown }>();
  const requests: RecordedRequest[] = [];
  const events: StripeEvent[] = [];
  const queue: StripeEvent[] = [];
  const deliveries: { eventId: string; status: number }[] = [];
  const state = { webhookUrl: opts.webhookUrl, autoDeliver: opts.autoDeliver ?? true, failNext: 0 };

  async function post(event: StripeEvent): Promise<number> {
    if (!state.webhookUrl) return 0;
    const payload = JSON.stringify(event, null, 2);
    const res = await fetch(state.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signatureHeader(payload, opts.webhookSecret),
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
      body: payload,
    });
    await res.arrayBuffer();
    deliveries.push({ eventId: event.id, status: res.status });
    return res.status;
  }

  function emit(type: StripeEvent['type'], object: Intent | Charge, idempotencyKey: string | null) {
    const event: StripeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: '2025-11-17.clover',
      created: now(),
      livemode: false,
      pending_webhooks: 1,
      type,
      data: { object: structuredClone(object) },
      request: { id: newId('req'), idempotency_key: idempotencyKey },
    };
    events.push(event);
    if (state.autoDeliver && state.webhookUrl) setImmediate(() => void post(event).catch(() => {}));
    else queue.push(event);
  }

  function createIntent(form: Record<string, unknown>): Intent {
    const amount = Number(form.amount);
    if (form.amount === undefined) throw invalid('Missing required param: amount.', 'amount');
    if (!Number.isInteger(amount) || amount < 1)
      throw invalid('Invalid positive integer', 'amount', 'parameter_invalid_integer');
    if (typeof form.currency !== 'string') throw invalid('Missing required param: currency.', 'currency');
    if (!/^[a-z]{3}$/.test(form.currency))
      throw invalid('Invalid currency', 'currency', 'parameter_invalid_string');
    const id = newId('pi');
    const intent: Intent = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: form.currency,
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      created: now(),
      livemode: false,
      description: typeof form.description === 'string' ? form.description : null,
      metadata: (form.metadata as Record<string, string>) ?? {},
      capture_method: 'automatic',
      confirmation_method: 'automatic',
      latest_charge: null,
      payment_method: null,
      cancellation_reason: null,
      last_payment_error: null,
    };
    intents.set(id, intent);
    return intent;
  }

  function intentOf(id: string): Intent {
    const intent = intents.get(id);
    if (!intent)
      throw new StripeHttpError(404, {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          param: 'intent',
          message: `No such payment_intent: '${id}'`,
        },
      });
    return intent;
  }

  function confirmIntent(id: string, form: Record<string, unknown>, key: string | null): Intent {
    const intent = intentOf(id);
    if (!['requires_payment_method', 'requires_confirmation'].includes(intent.status))
      throw new StripeHttpError(400, {
        error: {
          type: 'invalid_request_error',
          code: 'payment_intent_unexpected_state',
          message: `This PaymentIntent's status is ${intent.status} and cannot be confirmed.`,
          payment_intent: intent,
        },
      });
    const pm = form.payment_method;
    if (typeof pm !== 'string') throw invalid('You must provide a payment_method.', 'payment_method');
    const decline = DECLINES[pm];
    if (!decline && !SUCCEEDS.has(pm))
      throw invalid(`No such PaymentMethod: '${pm}'`, 'payment_method', 'resource_missing');
    intent.payment_method = pm;
    const charge: Charge = {
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: decline ? 0 : intent.amount,
      amount_refunded: 0,
      currency: intent.currency,
      paid: !decline,
      captured: !decline,
      refunded: false,
      status: decline ? 'failed' : 'succeeded',
      created: now(),
      livemode: false,
      metadata: {},
      payment_intent: intent.id,
    };
    charges.set(charge.id, charge);
    intent.latest_charge = charge.id;
    if (decline) {
      const error = { type: 'card_error' as const, code: 'card_declined', ...decline };
      intent.status = 'requires_payment_method';
      intent.last_payment_error = error;
      emit('payment_intent.payment_failed', intent, key);
      throw new StripeHttpError(402, {
        error: {
          ...error,
          charge: charge.id,
          payment_intent: structuredClone(intent),
          doc_url: 'https://docs.stripe.com/error-codes/card-declined',
        },
      });
    }
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.last_payment_error = null;
    emit('payment_intent.succeeded', intent, key);
    return intent;
  }

  function createRefund(form: Record<string, unknown>, key: string | null): Refund {
    const piId = form.payment_intent;
    if (typeof piId !== 'string')
      throw invalid(
        'One of the following params should be provided for this request: payment_intent or charge.',
        'payment_intent',
      );
    const intent = intentOf(piId);
    const charge = intent.latest_charge ? charges.get(String(intent.latest_charge)) : undefined;
    if (intent.status !== 'succeeded' || !charge)
      throw invalid(
        `This PaymentIntent (${piId}) does not have a successful charge to refund.`,
        'payment_intent',
        'charge_not_refundable',
      );
    const left = charge.amount - charge.amount_refunded;
    const amount = form.amount === undefined ? left : Number(form.amount);
    if (left === 0)
      throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    if (!Number.isInteger(amount) || amount < 1 || amount > left)
      throw invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        'amount',
        'amount_too_large',
      );
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund: Refund = {
      id: newId('re'),
      object: 'refund',
      amount,
      currency: charge.currency,
      status: 'succeeded',
      created: now(),
      metadata: {},
      reason: null,
      charge: charge.id,
      payment_intent: intent.id,
    };
    refunds.set(refund.id, refund);
    emit('charge.refunded', charge, key);
    return refund;
  }

  function route(method: string, path: string, form: Record<string, unknown>, key: string | null): unknown {
    if (method === 'POST' && path === '/v1/payment_intents') return createIntent(form);
    const confirm = path.match(/^\/v1\/payment_intents\/([^/]+)\/confirm$/);
    if (method === 'POST' && confirm) return confirmIntent(confirm[1]!, form, key);
    const one = path.match(/^\/v1\/payment_intents\/([^/]+)$/);
    if (method === 'GET' && one) return intentOf(one[1]!);
    if (method === 'POST' && path === '/v1/refunds') return createRefund(form, key);
    throw new StripeHttpError(404, {
      error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` },
    });
  }

  function send(res: ServerResponse, status: number, body: unknown, replayed = false) {
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': newId('req'),
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stripe.local');
    const method = req.method ?? 'GET';
    const form = method === 'GET' ? parseForm(url.searchParams.toString()) : parseForm(raw);
    requests.push({ method, path: url.pathname, form, headers: req.headers });
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${opts.secretKey}`) {
      const message = auth
        ? `Invalid API Key provided: ${auth.replace(/^Bearer /, '').slice(0, 8)}****`
        : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";
      return send(res, 401, { error: { type: 'invalid_request_error', message } });
    }
    if (state.failNext > 0) {
      state.failNext -= 1;
      return send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
    }
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const hash = createHash('sha256').update(`${method} ${url.pathname} ${raw}`).digest('hex');
    if (key && method === 'POST') {
      const prior = idempotent.get(key);
      if (prior) {
        if (prior.hash !== hash)
          return send(res, 400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          });
        return send(res, prior.status, prior.body, true);
      }
    }
    let status = 200;
    let body: unknown;
    try {
      body = route(method, url.pathname, form, key);
    } catch (err) {
      if (!(err instanceof StripeHttpError)) throw err;
      status = err.status;
      body = err.body;
    }
    // Stripe stores the answer to a keyed request, errors included (not 5xx), and replays it.
    if (key && method === 'POST') idempotent.set(key, { hash, status, body });
    send(res, status, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { error: { type: 'api_error', message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    events,
    deliveries,
    intents,
    /** Where events go from now on. */
    setWebhookUrl(url: string) {
      state.webhookUrl = url;
    },
    setAutoDeliver(on: boolean) {
      state.autoDeliver = on;
    },
    /** The next `n` API calls answer 500 api_error. */
    failNext(n: number) {
      state.failNext = n;
    },
    /** Events not yet delivered (autoDeliver off), oldest first; `take` removes them. */
    take(): StripeEvent[] {
      return queue.splice(0, queue.length);
    },
    /** Delivers one event (again, if it was); answers Voyage's status code. */
    deliver: post,
    /** Waits until every event so far has been delivered at least once. */
    async settled(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.some((e) => !queue.includes(e) && !deliveries.some((d) => d.eventId === e.id))) {
        if (Date.now() > deadline) throw new Error('webhook deliveries did not settle');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type StripeServer = Awaited<ReturnType<typeof startStripeServer>>;
