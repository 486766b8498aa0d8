import type { ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';

/** A button that asks before it acts (React Aria's modal dialog: focus kept inside, Esc closes). */
export function ConfirmDialog(props: {
  trigger: string;
  /** The trigger's accessible name when several such buttons share a page ("Remove ann@…"). */
  triggerLabel?: string;
  title: string;
  body: ReactNode;
  confirm: string;
  cancel: string;
  onConfirm: () => void;
  isPending?: boolean;
  /** The trigger cannot be pressed. */
  isDisabled?: boolean;
  /** Styled as a destructive action (the default), or as a plain one. */
  danger?: boolean;
}) {
  const cls = props.danger === false ? 'button' : 'button danger';
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
                    {props.cancel}
                  </Button>
                  <Button
                    className={cls}
                    isDisabled={props.isPending}
                    onPress={() => {
                      props.onConfirm();
                      close();
                    }}
                  >
                    {props.confirm}
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
