import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { Checkout, CheckoutConfig } from '../../api/checkout';
import { ApiError, errorSentence } from '../../api/errors';
import { formatMoney } from '../../format';
import { t } from '../../i18n';

/** An error of checkout in words: its own codes first, then the app's table. */
export function checkoutError(err: unknown): string {
  if (!(err instanceof ApiError)) return errorSentence(err);
  const decline = (err.details as { declineCode?: unknown } | undefined)?.declineCode;
  if (err.code === 'card_declined' && decline === 'insufficient_funds') return t.checkout.insufficientFunds;
  return t.checkout.errors[err.code] ?? errorSentence(err);
}

/**
 * How the traveller pays for a hold: one button for pay-at-pickup, or in Stripe's test mode a
 * choice of test card and a Pay button. A declined card leaves the hold in place, so the same
 * panel stays to try again.
 */
export function PayPanel(props: {
  checkout: Checkout;
  config: CheckoutConfig;
  onPay: (paymentMethod?: string) => void;
  isPending: boolean;
  error: unknown;
}) {
  const { booking, payment } = props.checkout;
  const methods = props.config.testPaymentMethods;
  const [method, setMethod] = useState(methods[0]?.id ?? '');
  const amount = formatMoney(booking.amount, booking.currency);
  const failed = payment.status === 'failed' && !props.error;
  const alert = props.error ? checkoutError(props.error) : failed ? t.checkout.failed : undefined;
  return (
    <section aria-labelledby="pay-title" className="panel">
      <h2 id="pay-title">{t.checkout.payTitle}</h2>
      {alert && (
        <div role="alert" className="banner error">
          <p>{alert}</p>
        </div>
      )}
      {payment.status === 'processing' && (
        <p role="status" className="banner info">
          {t.checkout.processing}
        </p>
      )}
      {props.config.provider === 'pay-at-pickup' ? (
        <Button className="button" isDisabled={props.isPending} onPress={() => props.onPay()}>
          {t.checkout.payOnSite[booking.kind]!(amount)}
        </Button>
      ) : props.config.testMode ? (
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            props.onPay(method);
          }}
        >
          <p className="hint">{t.checkout.testMode}</p>
          <fieldset className="choices">
            <legend>{t.checkout.testMethod}</legend>
            {methods.map((m) => (
              <label key={m.id} className="choice">
                <input
                  type="radio"
                  name="payment-method"
                  value={m.id}
                  checked={method === m.id}
                  onChange={() => setMethod(m.id)}
                />{' '}
                {m.label}
              </label>
            ))}
          </fieldset>
          <Button
            type="submit"
            className="button"
            isDisabled={props.isPending || !method || payment.status === 'processing'}
          >
            {t.checkout.payCard(amount)}
          </Button>
        </Form>
      ) : (
        <p className="banner info">{t.checkout.cardUnavailable}</p>
      )}
    </section>
  );
}
