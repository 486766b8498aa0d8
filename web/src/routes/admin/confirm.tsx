import type { ReactNode } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { t } from '../../i18n';

/** A console action that asks first; the trigger may be plain or danger. */
export function Confirm(props: {
  trigger: string;
  triggerLabel?: string;
  title: string;
  body: ReactNode;
  onConfirm: () => void;
  danger?: boolean;
  isDisabled?: boolean;
}) {
  return (
    <ConfirmDialog
      {...props}
      danger={props.danger ?? false}
      confirm={t.admin.confirm}
      cancel={t.admin.cancel}
    />
  );
}
