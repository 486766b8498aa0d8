import type { ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { t } from '../../i18n';

/** A console action that asks first (React Aria alert dialog); the trigger may be plain or danger. */
export function Confirm(props: {
  trigger: string;
  triggerLabel?: string;
  title: string;
  body: ReactNode;
  onConfirm: () => void;
  danger?: boolean;
  isDisabled?: boolean;
}) {
  const cls = props.danger ? 'button danger' : 'button';
  return (
    <DialogTrigger>
      <Button
        className={cls}
        isDisabled={props.isDisabled}
        {...(props.triggerLabel ? { 'aria-label': props.triggerLabel } : {})}
      >
        {props.trigger}
      </Button>
      <ModalOverlay className="overlay" isDismissable>
        <Modal className="modal">
          <Dialog role="alertdialog" className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{props.title}</Heading>
                <p>{props.body}</p>
                <div className="row">
                  <Button className="button secondary" onPress={close} autoFocus>
                    {t.admin.cancel}
                  </Button>
                  <Button
                    className={cls}
                    onPress={() => {
                      props.onConfirm();
                      close();
                    }}
                  >
                    {t.admin.confirm}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
