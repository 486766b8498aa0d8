import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import {
  type CancellationPolicy,
  type CheckoutKind,
  checkoutApi,
  checkoutPath,
  type HoldRequest,
} from '../../api/checkout';
import { t } from '../../i18n';
import { policyWords } from './words';

/**
 * Book: holds the product and opens its checkout. The attempt's Idempotency-Key lives in the
 * mutation's variables, so a retry of the same attempt reuses it.
 */
export function useHold(opts: { onError?: (err: unknown) => void } = {}) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { key: string; req: HoldRequest }) => checkoutApi.hold(v.req, v.key),
    onSuccess: (c) => {
      qc.setQueryData(['checkout', c.booking.kind, c.booking.id], c);
      navigate(checkoutPath(c.booking.kind, c.booking.id));
    },
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
}

/** A product's cancellation policy in words, shown before booking. */
export function PolicyNote(props: {
  policy: CancellationPolicy | null | undefined;
  kind: CheckoutKind;
  start?: { at: string; timeZone: string };
}) {
  if (!props.policy) return null;
  return (
    <p className="policy">
      <strong>{t.checkout.policyTitle}:</strong> {policyWords(props.policy, props.kind, props.start)}
    </p>
  );
}
