import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { t } from '../../i18n';
import { Confirm } from './confirm';
import { EmailView } from './email-view';

const s = t.adminNotifications;
const when = (iso: string | null) =>
  iso
    ? new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium' }).format(
        new Date(iso),
      )
    : '—';

function Outbox() {
  const [recipient, setRecipient] = useState('');
  const outbox = useQuery({
    queryKey: ['admin', 'notifications', 'outbox', recipient],
    queryFn: () =>
      unwrap(
        api.GET('/notifications/outbox', {
          params: { query: { limit: 50, ...(recipient ? { recipient } : {}) } },
        }),
      ),
  });
  const rows = outbox.data?.notifications ?? [];
  return (
    <section className="card stack" aria-labelledby="outbox-title">
      <h2 id="outbox-title">{s.outbox}</h2>
      <p className="hint">{s.outboxHint}</p>
      <Form
        role="search"
        aria-label={s.findRecipient}
        onSubmit={(e) => {
          e.preventDefault();
          setRecipient(String(new FormData(e.currentTarget).get('recipient')).trim());
        }}
      >
        <div className="row wrap">
          <TextInput label={s.recipientFilter} name="recipient" type="email" />
          <Button type="submit" className="button">
            {s.filter}
          </Button>
        </div>
      </Form>
      <ErrorBanner error={outbox.error} onRetry={() => void outbox.refetch()} />
      {outbox.isSuccess && rows.length === 0 && <p>{s.noOutbox}</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{s.outbox}</caption>
            <thead>
              <tr>
                <th scope="col">{s.occurred}</th>
                <th scope="col">{s.type}</th>
                <th scope="col">{s.recipient}</th>
                <th scope="col">{s.subject}</th>
                <th scope="col">{s.status}</th>
                <th scope="col">{s.attempts}</th>
                <th scope="col">{s.sent}</th>
                <th scope="col">
                  <span className="visually-hidden">{s.view}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((n) => (
                <tr key={n.id}>
                  <td>{when(n.occurredAt)}</td>
                  <td>
                    <code>{n.type}</code>
                  </td>
                  <td className="mono">{n.recipient ?? '—'}</td>
                  <td>{n.subject ?? '—'}</td>
                  <td>{s.statuses[n.status] ?? n.status}</td>
                  <td>{n.attempts}</td>
                  <td>{when(n.sentAt)}</td>
                  <td>
                    <EmailView id={n.id} subject={n.subject} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DeadLetters({ onDone }: { onDone: (msg: string) => void }) {
  const queryClient = useQueryClient();
  const dead = useQuery({
    queryKey: ['admin', 'notifications', 'dead'],
    queryFn: () => unwrap(api.GET('/notifications/dead-letters', { params: { query: { limit: 50 } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['admin', 'notifications'] });
  const retry = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/notifications/dead-letters/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => {
      onDone(s.retried);
      refresh();
    },
  });
  const retryAll = useMutation({
    mutationFn: () => unwrap(api.POST('/notifications/dead-letters/retry-all')),
    onSuccess: (r) => {
      onDone(s.retriedAll(r.queued));
      refresh();
    },
  });
  const rows = dead.data?.deadLetters ?? [];
  const busy = retry.isPending || retryAll.isPending;
  return (
    <section className="card stack" aria-labelledby="dead-title">
      <h2 id="dead-title">{s.deadLetters}</h2>
      <p className="hint">{s.deadHint}</p>
      <ErrorBanner error={dead.error ?? retry.error ?? retryAll.error} onRetry={() => void dead.refetch()} />
      {dead.isSuccess && rows.length === 0 && <p>{s.noDead}</p>}
      {rows.length > 0 && (
        <>
          <div className="row">
            <Confirm
              trigger={s.retryAll}
              title={s.retryAllTitle(rows.length)}
              body={s.retryAllBody}
              isDisabled={busy}
              onConfirm={() => retryAll.mutate()}
            />
          </div>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{s.deadLetters}</caption>
              <thead>
                <tr>
                  <th scope="col">{s.deadSince}</th>
                  <th scope="col">{s.type}</th>
                  <th scope="col">{s.recipient}</th>
                  <th scope="col">{s.attempts}</th>
                  <th scope="col">{s.error}</th>
                  <th scope="col">
                    <span className="visually-hidden">{s.retry}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id}>
                    <td>{when(d.deadSince)}</td>
                    <td>{d.type ? <code>{d.type}</code> : '—'}</td>
                    <td className="mono">{d.recipient ?? '—'}</td>
                    <td>{d.attempts}</td>
                    <td>{d.error ?? '—'}</td>
                    <td>
                      <Confirm
                        trigger={s.retry}
                        triggerLabel={s.retryLabel(d.id)}
                        title={s.retryTitle}
                        body={s.retryBody}
                        isDisabled={busy}
                        onConfirm={() => retry.mutate(d.id)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function NotificationsPage() {
  const [message, setMessage] = useState<string>();
  return (
    <section>
      <h1>{s.title}</h1>
      <p role="status" className={message ? 'banner success' : undefined}>
        {message}
      </p>
      <DeadLetters onDone={setMessage} />
      <Outbox />
    </section>
  );
}
