import { useQuery } from '@tanstack/react-query';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { t } from '../../i18n';

const s = t.adminNotifications;

function EmailBody({ id }: { id: string }) {
  const message = useQuery({
    queryKey: ['admin', 'notifications', 'message', id],
    queryFn: () => unwrap(api.GET('/notifications/outbox/{id}', { params: { path: { id } } })),
  });
  const m = message.data;
  if (!m) return <ErrorBanner error={message.error} onRetry={() => void message.refetch()} />;
  return (
    <div className="stack">
      <p className={m.source === 'sent' ? 'banner success' : 'banner'}>
        {m.source === 'sent' ? s.asSent : s.asPreview}
      </p>
      <dl className="facts">
        <dt>{s.to}</dt>
        <dd className="mono">{m.to ?? '—'}</dd>
        <dt>{s.subject}</dt>
        <dd>{m.subject}</dd>
        {m.messageId && (
          <>
            <dt>{s.messageId}</dt>
            <dd className="mono">{m.messageId}</dd>
          </>
        )}
      </dl>
      {/* The email's own HTML, shown as a mail client would: sandboxed: no scripts, no forms, no navigation. */}
      <iframe
        className="email-frame"
        title={s.htmlTitle(m.subject)}
        sandbox="allow-same-origin"
        srcDoc={m.html}
      />
      <details>
        <summary>{s.textVersion}</summary>
        <pre className="email-text">{m.text}</pre>
      </details>
    </div>
  );
}

/** "View email": the notification's email in a dialog, as sent or as it would be sent now. */
export function EmailView({ id, subject }: { id: string; subject: string | null }) {
  return (
    <DialogTrigger>
      <Button className="button secondary" aria-label={s.viewLabel(subject ?? id)}>
        {s.view}
      </Button>
      <ModalOverlay className="overlay" isDismissable>
        <Modal className="modal wide">
          <Dialog className="dialog">
            {({ close }) => (
              <div className="stack">
                <Heading slot="title">{s.emailTitle}</Heading>
                <EmailBody id={id} />
                <div className="row">
                  <Button className="button secondary" onPress={close}>
                    {s.close}
                  </Button>
                </div>
              </div>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
