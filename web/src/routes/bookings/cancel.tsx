import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { type CancelResult, type CheckoutKind, checkoutApi } from '../../api/checkout';
import { Money } from '../../components/Money';
import { formatMoney } from '../../format';
import { t } from '../../i18n';
import { checkoutError } from '../checkout/pay-panel';

/**
 * Cancel, after asking: the dialog shows what the policy gives back (the server's quote) before the
 * traveller confirms, then cancels through checkout, which refunds what is due.
 */
export function CancelBooking(props: {
  kind: CheckoutKind;
  id: string;
  queryKey: readonly unknown[];
  onDone: (r: CancelResult) => void;
}) {
  const [open, setOpen] = useState(false);
  const qc = useQueryClient();
  const quote = useQuery({
    queryKey: ['cancellation', props.kind, props.id],
    enabled: open,
    staleTime: 0,
    queryFn: () => checkoutApi.quote(props.kind, props.id),
  });
  const cancel = useMutation({
    mutationFn: () => checkoutApi.cancel(props.kind, props.id),
    onSuccess: (r) => {
      setOpen(false);
      props.onDone(r);
      void qc.invalidateQueries({ queryKey: props.queryKey });
      void qc.invalidateQueries({ queryKey: ['checkout', props.kind, props.id] });
      void qc.invalidateQueries({ queryKey: ['my-bookings'] });
    },
  });
  const q = quote.data;
  const words = !q
    ? t.checkout.quoteLoading
    : q.refundAmount === 0 && q.fee === 0
      ? t.checkout.quoteNothingPaid
      : q.fee === 0
        ? t.checkout.quoteFree(formatMoney(q.refundAmount, q.currency))
        : t.checkout.quote(formatMoney(q.refundAmount, q.currency), formatMoney(q.fee, q.currency));
  return (
    <>
      {cancel.error !== null && (
        <div role="alert" className="banner error">
          <p>{checkoutError(cancel.error)}</p>
        </div>
      )}
      <DialogTrigger isOpen={open} onOpenChange={setOpen}>
        <Button className="button danger">{t.bookings.cancel}</Button>
        <ModalOverlay className="overlay" isDismissable>
          <Modal className="modal">
            <Dialog role="alertdialog" className="dialog">
              {({ close }) => (
                <>
                  <Heading slot="title">{t.bookings.cancelTitle}</Heading>
                  {quote.error ? (
                    <p role="alert">{checkoutError(quote.error)}</p>
                  ) : (
                    <p role="status">{words}</p>
                  )}
                  {q && q.refundAmount > 0 && (
                    <p className="total">
                      {t.checkout.refund}: <Money amount={q.refundAmount} currency={q.currency} />
                    </p>
                  )}
                  <p>{t.bookings.cancelBody}</p>
                  <div className="row">
                    <Button className="button secondary" onPress={close} autoFocus>
                      {t.bookings.keep}
                    </Button>
                    <Button
                      className="button danger"
                      isDisabled={cancel.isPending || !q}
                      onPress={() => cancel.mutate()}
                    >
                      {t.bookings.confirmCancel}
                    </Button>
                  </div>
                </>
              )}
            </Dialog>
          </Modal>
        </ModalOverlay>
      </DialogTrigger>
    </>
  );
}
