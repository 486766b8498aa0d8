import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { t } from '../../i18n';
import { Confirm } from './confirm';
import { FOLLOW_MS, ReleaseAnalysis, utc } from './release-analysis';

type View = paths['/admin/releases']['get']['responses'][200]['content']['application/json'];
type SingleHost = Extract<View, { engine: 'single-host' }>;
type Command = { purpose: string; command: string };

const r = t.adminReleases;
const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

function Commands({ commands }: { commands: Command[] }) {
  return (
    <dl className="release-commands">
      {commands.map((c) => (
        <div key={c.purpose}>
          <dt>{r.commandPurposes[c.purpose] ?? c.purpose}</dt>
          <dd>
            <code>{c.command}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Slots({ view }: { view: SingleHost }) {
  return (
    <section className="card stack" aria-labelledby="release-slots">
      <h2 id="release-slots">{r.slots}</h2>
      <div className="table-scroll stack">
        <table>
          <caption className="visually-hidden">{r.slots}</caption>
          <thead>
            <tr>
              <th scope="col">{r.slot}</th>
              <th scope="col">{r.status}</th>
              <th scope="col">{r.version}</th>
              <th scope="col">{r.weight}</th>
            </tr>
          </thead>
          <tbody>
            {view.slots.map((s) => (
              <tr key={s.slot}>
                <th scope="row">
                  {s.slot}
                  {s.live && <span className="verdict pass release-live">{r.liveSlot}</span>}
                </th>
                <td>{s.status}</td>
                <td>{s.version ?? '—'}</td>
                <td>{`${s.weight} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {view.hold && <p className="hint">{r.held(view.hold.slot, utc(view.hold.until))}</p>}
    </section>
  );
}

function Current({ view, onDone }: { view: SingleHost; onDone: (m: string) => void }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['admin', 'releases'] });
  const notInProgress = (e: unknown) => e instanceof ApiError && e.code === 'release_not_in_progress';
  const promote = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/releases/promote')),
    onSuccess: (x) => onDone(r.promoted(x.version)),
    onSettled: refresh,
  });
  const abort = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/releases/abort')),
    onSuccess: (x) => onDone(r.aborted(x.version)),
    onSettled: refresh,
  });
  const c = view.current;
  const error = promote.error ?? abort.error;
  const busy = promote.isPending || abort.isPending;
  return (
    <section className="card stack" aria-labelledby="release-current">
      <h2 id="release-current">{r.current}</h2>
      {notInProgress(error) ? (
        <p className="banner info">{r.notInProgress}</p>
      ) : (
        <ErrorBanner error={error} />
      )}
      {!c ? (
        <p>{r.noCurrent}</p>
      ) : (
        <>
          <p>{r.currentLine(c.version, c.slot, c.strategy, c.phase, c.weight)}</p>
          {c.request && <p className="hint">{r.requested(c.request)}</p>}
          <div className="row">
            <Confirm
              trigger={r.promote}
              title={r.promoteTitle(c.version)}
              body={r.promoteBody}
              isDisabled={busy}
              onConfirm={() => promote.mutate()}
            />
            <Confirm
              trigger={r.abort}
              title={r.abortTitle(c.version)}
              body={r.abortBody}
              danger
              isDisabled={busy}
              onConfirm={() => abort.mutate()}
            />
          </div>
        </>
      )}
    </section>
  );
}

function History({
  view,
  chosen,
  onChoose,
}: {
  view: SingleHost;
  chosen?: string;
  onChoose: (id: string) => void;
}) {
  return (
    <section className="card stack" aria-labelledby="release-history">
      <h2 id="release-history">{r.history}</h2>
      {view.history.length === 0 ? (
        <p>{r.noHistory}</p>
      ) : (
        <div className="table-scroll stack">
          <table>
            <caption className="visually-hidden">{r.history}</caption>
            <thead>
              <tr>
                <th scope="col">{r.started}</th>
                <th scope="col">{r.version}</th>
                <th scope="col">{r.kind}</th>
                <th scope="col">{r.outcome}</th>
                <th scope="col">{r.duration}</th>
                <th scope="col">{r.reason}</th>
                <th scope="col">
                  <span className="visually-hidden">{r.show}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.history.map((h) => (
                <tr key={h.id}>
                  <td>
                    {utc(h.startedAt)}
                    <span className="hint release-id">{h.id}</span>
                  </td>
                  <td>
                    <strong>{h.version}</strong>
                    {h.previousVersion && <span className="hint">{`← ${h.previousVersion}`}</span>}
                  </td>
                  <td>{`${h.kind} · ${h.strategy}`}</td>
                  <td>
                    <span className={`verdict ${h.outcome}`}>{r.outcomes[h.outcome] ?? h.outcome}</span>
                  </td>
                  <td>{seconds(h.totalMs)}</td>
                  <td>{h.reason ?? '—'}</td>
                  <td>
                    <Button
                      className="button secondary"
                      aria-label={r.showLabel(h.version, h.id)}
                      aria-pressed={h.id === chosen}
                      onPress={() => onChoose(h.id)}
                    >
                      {r.show}
                    </Button>
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

export function ReleasesPage() {
  const [message, setMessage] = useState<string>();
  const [chosen, setChosen] = useState<string>();
  const view = useQuery({
    queryKey: ['admin', 'releases'],
    queryFn: () => unwrap(api.GET('/admin/releases')),
    // A release moves on its own: keep the page current while one runs.
    refetchInterval: (q) =>
      q.state.data?.engine === 'single-host' && q.state.data.current ? FOLLOW_MS : false,
  });
  const v = view.data;
  const selected =
    v?.engine === 'single-host' ? v.history.find((h) => h.id === (chosen ?? v.history[0]?.id)) : undefined;
  return (
    <section>
      <h1>{r.title}</h1>
      <p role="status" className={message ? 'banner success' : undefined}>
        {message}
      </p>
      <ErrorBanner error={view.error} onRetry={() => void view.refetch()} />
      {v?.engine === 'argo-rollouts' && (
        <section className="card stack" aria-labelledby="release-argo">
          <h2 id="release-argo">{r.argoTitle}</h2>
          <p>{r.argoBody(v.namespace)}</p>
          <Commands commands={v.commands} />
        </section>
      )}
      {v?.engine === 'none' && (
        <section className="card stack">
          <p>{r.engineNone}</p>
          <p className="hint">{r.engineNoneHint(v.stateDir)}</p>
          <Commands commands={v.commands} />
        </section>
      )}
      {v?.engine === 'single-host' && (
        <>
          <div className="cards">
            <Slots view={v} />
            <Current view={v} onDone={setMessage} />
          </div>
          <History view={v} chosen={selected?.id} onChoose={setChosen} />
          {selected && (
            <ReleaseAnalysis
              key={selected.id}
              id={selected.id}
              version={selected.version}
              focus={chosen !== undefined}
            />
          )}
        </>
      )}
    </section>
  );
}
