import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Form } from 'react-aria-components';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { t } from '../../i18n';

const FILTERS = ['actor', 'action', 'from', 'to'] as const;

/** datetime-local (wall clock, read as UTC) to an ISO instant, and back. */
const toIso = (v: string) => (v ? new Date(`${v}:00Z`).toISOString() : undefined);
const when = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium' }).format(
    new Date(iso),
  );

/** A filter field that starts from the address (so that a link can carry filters). */
function Filter(props: { name: string; label: string; value: string; type?: string; hint?: string }) {
  const id = `audit-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        className="input"
        defaultValue={props.value}
        {...(props.hint ? { 'aria-describedby': `${id}-hint` } : {})}
      />
      {props.hint && (
        <span id={`${id}-hint`} className="hint">
          {props.hint}
        </span>
      )}
    </div>
  );
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const query = {
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.from ? { from: toIso(filter.from) } : {}),
    ...(filter.to ? { to: toIso(filter.to) } : {}),
  };
  const log = useInfiniteQuery({
    queryKey: ['admin', 'audit', query],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/audit', {
          params: {
            query: { ...query, limit: 50, ...(pageParam !== undefined ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <section>
      <h1>{t.admin.audit}</h1>
      <Form
        key={params.toString()}
        aria-label={t.admin.filters}
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const next = new URLSearchParams();
          for (const k of FILTERS) {
            const v = String(f.get(k) ?? '').trim();
            if (v) next.set(k, v);
          }
          setParams(next);
        }}
      >
        <div className="row wrap">
          <Filter name="actor" label={t.admin.actor} value={filter.actor} />
          <Filter name="action" label={t.admin.action} value={filter.action} hint={t.admin.actionHint} />
          <Filter name="from" label={t.admin.from} value={filter.from} type="datetime-local" />
          <Filter name="to" label={t.admin.to} value={filter.to} type="datetime-local" />
        </div>
        <div className="row">
          <Button type="submit" className="button">
            {t.admin.apply}
          </Button>
          <Button type="button" className="button secondary" onPress={() => setParams(new URLSearchParams())}>
            {t.admin.clear}
          </Button>
        </div>
      </Form>
      <ErrorBanner error={log.error} onRetry={() => void log.refetch()} />
      {log.isSuccess && entries.length === 0 && <p>{t.admin.noEntries}</p>}
      {entries.length > 0 && (
        <div className="table-scroll stack">
          <table>
            <caption className="visually-hidden">{t.admin.audit}</caption>
            <thead>
              <tr>
                <th scope="col">{t.admin.when}</th>
                <th scope="col">{t.admin.action}</th>
                <th scope="col">{t.admin.actor}</th>
                <th scope="col">{t.admin.subject}</th>
                <th scope="col">{t.admin.details}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.occurredAt)}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="mono">{e.actorId ?? '—'}</td>
                  <td>{e.subject ?? '—'}</td>
                  <td>
                    <code className="details">{JSON.stringify(e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <Button
          className="button secondary"
          onPress={() => void log.fetchNextPage()}
          isDisabled={log.isFetchingNextPage}
        >
          {t.admin.more}
        </Button>
      )}
    </section>
  );
}
