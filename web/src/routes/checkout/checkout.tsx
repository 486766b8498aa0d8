import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { bookingPath, type CheckoutKind, checkoutApi, searchPath } from '../../api/checkout';
import { ApiError } from '../../api/errors';
import { ErrorBanner } from '../../components/ErrorBanner';
import { LocalTime } from '../../components/LocalTime';
import { Money } from '../../components/Money';
import { zoneName } from '../../format';
import { t } from '../../i18n';
import { Countdown } from './countdown';
import { PayPanel } from './pay-panel';
import { usePlaceZone } from './place-zone';
import { policyWords } from './words';

const KINDS: CheckoutKind[] = ['car', 'stay', 'flight'];

/**
 * What is held, for how long, what cancelling would cost, and how to pay. A paid booking goes on
 * to its own page; a lapsed hold says so and leads back to the search.
 */
export function CheckoutPage() {
  const params = useParams();
  const kind = KINDS.find((k) => k === params.kind);
  const id = params.id ?? '';
  const navigate = useNavigate();
  const qc = useQueryClient();
  const key = ['checkout', kind, id];
  const checkout = useQuery({
    queryKey: key,
    enabled: !!kind,
    queryFn: () => checkoutApi.get(kind!, id),
    // While the provider processes a payment, look again until it settles.
    refetchInterval: (q) => (q.state.data?.payment.status === 'processing' ? 2000 : false),
  });
  const config = useQuery({ queryKey: ['checkout-config'], queryFn: checkoutApi.config, staleTime: 60_000 });
  const zone = usePlaceZone(kind, id);
  const [lapsed, setLapsed] = useState(false);
  const pay = useMutation({
    mutationFn: (paymentMethod?: string) => checkoutApi.pay(kind!, id, paymentMethod),
    onSuccess: (c) => qc.setQueryData(key, c),
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'hold_expired') setLapsed(true);
    },
  });
  const status = checkout.data?.booking.status;
  useEffect(() => {
    if (status !== 'confirmed' || !kind) return;
    void qc.invalidateQueries({ queryKey: ['my-bookings'] });
    void qc.invalidateQueries({ queryKey: [`${kind}-booking`, id] });
    navigate(`${bookingPath(kind, id)}${pay.isSuccess ? '?new=1' : ''}`, { replace: true });
  }, [status, kind, id, navigate, qc, pay.isSuccess]);
  const onEnd = useCallback(() => {
    setLapsed(true);
    void qc.invalidateQueries({ queryKey: ['checkout', kind, id] });
  }, [qc, kind, id]);

  if (!kind) return <ErrorBanner error={new ApiError(404, 'not_found', 'not found')} />;
  if (checkout.error) return <ErrorBanner error={checkout.error} onRetry={() => void checkout.refetch()} />;
  if (!checkout.data || !config.data) {
    return config.error ? (
      <ErrorBanner error={config.error} onRetry={() => void config.refetch()} />
    ) : (
      <p role="status">{t.app.loading}</p>
    );
  }
  const { booking } = checkout.data;
  if (lapsed || booking.status === 'expired') {
    return (
      <section>
        <h1>{t.checkout.expiredTitle}</h1>
        <p role="alert" className="banner error">
          {t.checkout.expired}
        </p>
        <Link className="button" to={searchPath(kind)}>
          {t.checkout.searchAgain[kind]}
        </Link>
      </section>
    );
  }
  if (booking.status !== 'pending') {
    return (
      <section>
        <h1>{t.checkout.title}</h1>
        <p role="status" className="banner info">
          {t.checkout.notPending}
        </p>
        <Link to={bookingPath(kind, id)}>{booking.title}</Link>
      </section>
    );
  }
  const start = { at: booking.startsAt, timeZone: zone };
  return (
    <section className="checkout">
      <h1>{t.checkout.title}</h1>
      <div className="card">
        <h2>{booking.title}</h2>
        <p>{t.checkout.held}</p>
        {booking.holdExpiresAt && (
          <Countdown until={booking.holdExpiresAt} text={t.checkout.timeLeft} onEnd={onEnd} />
        )}
        <dl className="facts">
          <dt>{t.checkout.startsAt[kind]}</dt>
          <dd>
            <LocalTime at={booking.startsAt} timeZone={zone} />
          </dd>
          <dt>{t.checkout.amount}</dt>
          <dd className="total">
            <Money amount={booking.amount} currency={booking.currency} />
          </dd>
        </dl>
        <p className="hint">{t.search.timesIn(zoneName(zone))}</p>
      </div>
      <section aria-labelledby="policy-title" className="panel">
        <h2 id="policy-title">{t.checkout.policyTitle}</h2>
        <p>{policyWords(booking.policy, kind, start)}</p>
      </section>
      <PayPanel
        checkout={checkout.data}
        config={config.data}
        onPay={(m) => pay.mutate(m)}
        isPending={pay.isPending}
        error={pay.error}
      />
    </section>
  );
}
